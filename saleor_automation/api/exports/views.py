"""CSV downloads, authenticated exactly like /graphql/ (api/auth.py: the dashboard's
`authorization-bearer` + `saleor-api-url` headers, or `Authorization: Bearer <API key>`) and
allowed to whoever may read flows (permissions.READ's rule).

    GET /api/flows/<flow id>/stats.csv?from=YYYY-MM-DD&to=YYYY-MM-DD
    GET /api/flows/<flow id>/recipients.csv?node=&channel=email|sms&from=&to=

<flow id> is the flow's GraphQL id. Answers: 200 text/csv (UTF-8 with a byte order mark, so
Excel reads accents right), streamed row by row; 400 for bad parameters, 401 without valid
credentials, 403 without the permission, 404 for a flow that is not the caller's (the same
for one of another store as for none). Errors are JSON shaped like GraphQL's.
"""

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from strawberry import relay

from ...flows.models import Flow
from ...flows.selectors import flow_get
from ...messaging.models import MessageChannel
from ...stats.exports import flow_recipient_rows, flow_stats_rows
from ..auth import AuthenticationFailed, Principal, authenticate
from ..ids import node_pk
from ..permissions import FORBIDDEN, MANAGE_USERS, Requires
from ..views import unauthenticated

logger = logging.getLogger(__name__)

BOM = "\ufeff"
STATS_MAX_DAYS = 366  # as flowStats
DEFAULT_DAYS = 30
READ_RULE = Requires(MANAGE_USERS)


class BadRequest(Exception):
    """A parameter the caller got wrong: answered with 400 and this message."""


def _error(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


class _Echo:
    """A file-like object whose write returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def _csv(rows: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _date(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD).") from None


def _flow(principal: Principal, flow_id: str) -> Flow | None:
    try:
        pk = node_pk(relay.GlobalID.from_id(flow_id), "Flow")
    except ValueError:  # not a global id (strawberry's GlobalIDValueError)
        return None
    if pk is None:
        return None
    try:
        return flow_get(installation=principal.installation, flow_id=pk)
    except Flow.DoesNotExist:
        return None


def _export(
    request: HttpRequest, flow_id: str, build: Callable[[Principal, Flow], HttpResponse]
) -> HttpResponse:
    try:
        principal = authenticate(request)
    except AuthenticationFailed as exc:
        logger.info("CSV export refused: %s", exc)
        return unauthenticated(str(exc))
    if not READ_RULE.allows(principal):
        return _error(403, READ_RULE.message, FORBIDDEN)
    flow = _flow(principal, flow_id)
    if flow is None:
        return _error(404, "Flow not found.", "NOT_FOUND")
    try:
        return build(principal, flow)
    except BadRequest as exc:
        return _error(400, str(exc), "BAD_REQUEST")


@require_GET
def flow_stats_csv(request: HttpRequest, flow_id: str) -> HttpResponse:
    """Per-node stats of the flow from `from` to `to` (UTC days, both included; default the
    last 30 days up to today)."""

    def build(principal: Principal, flow: Flow) -> HttpResponse:
        until = _date(request, "to") or timezone.now().date()
        since = _date(request, "from") or until - timedelta(days=DEFAULT_DAYS - 1)
        if until < since:
            raise BadRequest("to must not be before from.")
        if (until - since).days >= STATS_MAX_DAYS:
            raise BadRequest(f"At most {STATS_MAX_DAYS} days.")
        rows = flow_stats_rows(principal.installation, flow, since=since, until=until)
        return _csv(rows, f"flow-{flow.pk}-stats-{since}-{until}.csv")

    return _export(request, flow_id, build)


@require_GET
def flow_recipients_csv(request: HttpRequest, flow_id: str) -> HttpResponse:
    """Every message of the flow, optionally of one node, one channel, queued in a period."""

    def build(principal: Principal, flow: Flow) -> HttpResponse:
        channel = request.GET.get("channel", "").strip().lower() or None
        if channel is not None and channel not in MessageChannel.values:
            raise BadRequest(f"channel must be one of {', '.join(MessageChannel.values)}.")
        since, until = _date(request, "from"), _date(request, "to")
        if since is not None and until is not None and until < since:
            raise BadRequest("to must not be before from.")
        node_id = request.GET.get("node", "").strip() or None
        rows = flow_recipient_rows(
            principal.installation,
            flow,
            node_id=node_id,
            channel=channel,
            since=since,
            until=until,
        )
        return _csv(rows, f"flow-{flow.pk}-recipients.csv")

    return _export(request, flow_id, build)
