"""Importing an installation's existing customers, orders and open checkouts from Saleor,
page by page and resumable, so that win-back and best-customer flows work from day one.

Customers come first (their profile and consent), then orders (the facts), then checkouts.
Each page is applied and its cursor saved in one transaction.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..saleor.client import SaleorClient
from ..saleor.exceptions import SaleorError
from ..saleor.models import Installation
from .backfill_models import BackfillRun, BackfillStatus
from .services.backfill import backfill_node_apply

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # Saleor's maximum for `first`


# Events in flight when the app was deactivated may have been dropped just before Saleor
# recorded the deactivation: a reconciliation reaches back this far before it.
RECONCILE_MARGIN = timedelta(minutes=15)


def _changed_since(since: datetime) -> dict[str, Any]:
    return {"where": {"updatedAt": {"gte": since.isoformat()}}}


def _checkouts_changed_since(since: datetime) -> dict[str, Any]:
    return {"filter": {"updatedAt": {"gte": since.date().isoformat()}}}


@dataclass(frozen=True)
class Resource:
    name: str  # key in BackfillRun.progress, e.g. "customers"
    kind: str  # backfill_node_apply kind
    document: str
    field: str  # the connection field in the query's data
    since_filter: Callable[[datetime], dict[str, Any]]


RESOURCES: tuple[Resource, ...] = (
    Resource("customers", "customer", "queries/backfill-customers", "customers", _changed_since),
    Resource("orders", "order", "queries/backfill-orders", "orders", _changed_since),
    Resource(
        "checkouts",
        "checkout",
        "queries/backfill-checkouts",
        "checkouts",
        _checkouts_changed_since,
    ),
)

# Called after each page with (resource name, imported so far, total in Saleor or None).
ProgressCallback = Callable[[str, int, int | None], None]


class BackfillError(Exception):
    pass


def backfill_start(installation: Installation, restart: bool = False) -> BackfillRun:
    """The running import of this installation (resumed), or a new one."""
    running = BackfillRun.objects.filter(
        installation=installation, status=BackfillStatus.RUNNING
    ).first()
    if running and not restart:
        return running
    if running:
        running.status = BackfillStatus.FAILED
        running.error = "superseded by a restart"
        running.finished_at = timezone.now()
        running.save()
    if not restart:
        failed = (
            BackfillRun.objects.filter(installation=installation, status=BackfillStatus.FAILED)
            .exclude(error="superseded by a restart")
            .order_by("-pk")
            .first()
        )
        if failed:  # resume where the failed one stopped
            failed.status = BackfillStatus.RUNNING
            failed.error = ""
            failed.finished_at = None
            failed.save()
            return failed
    try:
        return BackfillRun.objects.create(installation=installation)
    except IntegrityError as exc:
        raise BackfillError("another backfill of this installation is running") from exc


def backfill_reconcile_start(installation: Installation, since: datetime) -> BackfillRun | None:
    """A run that re-reads what changed since `since` (minus a margin), or None when an
    import is already running (it reads everything anyway)."""
    try:
        return BackfillRun.objects.create(installation=installation, since=since - RECONCILE_MARGIN)
    except IntegrityError:
        return None


def _page(run: BackfillRun, client: SaleorClient, resource: Resource, after: str | None) -> dict:
    variables: dict[str, Any] = {"first": PAGE_SIZE, "after": after}
    if run.since is not None:
        variables |= resource.since_filter(run.since)
    data = client.execute(resource.document, variables)
    connection = data.get(resource.field)
    if connection is None:
        raise BackfillError(f"Saleor returned no {resource.field} (missing permission?)")
    return connection


def _import_resource(
    run: BackfillRun,
    client: SaleorClient,
    resource: Resource,
    on_progress: ProgressCallback | None,
) -> None:
    state = run.progress.setdefault(
        resource.name, {"after": None, "done": False, "imported": 0, "total": None}
    )
    while not state["done"]:
        connection = _page(run, client, resource, state["after"])
        nodes = [edge["node"] for edge in connection.get("edges") or [] if edge.get("node")]
        page_info = connection.get("pageInfo") or {}
        with transaction.atomic():
            for node in nodes:
                backfill_node_apply(run.installation, resource.kind, node)
            state["after"] = page_info.get("endCursor") or state["after"]
            state["done"] = not page_info.get("hasNextPage")
            state["imported"] += len(nodes)
            state["total"] = connection.get("totalCount")
            run.save(update_fields=["progress", "updated_at"])
        if on_progress:
            on_progress(resource.name, state["imported"], state["total"])


def backfill_run(run: BackfillRun, on_progress: ProgressCallback | None = None) -> BackfillRun:
    """Import every remaining page of `run`; on failure the run keeps its cursors."""
    installation = run.installation
    if not installation.token or not installation.is_active:
        raise BackfillError("the installation is not active: reinstall or activate the app")
    client = SaleorClient.for_installation(installation)
    try:
        for resource in RESOURCES:
            _import_resource(run, client, resource, on_progress)
    except (SaleorError, BackfillError, ValueError) as exc:
        run.status = BackfillStatus.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save()
        logger.warning("backfill #%s of installation %s failed: %s", run.pk, installation.pk, exc)
        raise BackfillError(run.error) from exc
    run.status = BackfillStatus.DONE
    run.finished_at = timezone.now()
    run.save()
    logger.info("backfill #%s of installation %s done", run.pk, installation.pk)
    return run
