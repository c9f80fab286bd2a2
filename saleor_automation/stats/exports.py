"""CSV reports of a flow: its per-node stats for a period, and its recipients.

    flow_stats_rows(installation, flow, *, since, until) -> Iterator[list]
    flow_recipient_rows(installation, flow, *, node_id=None, channel=None, since=None,
                        until=None) -> Iterator[list]
    flow_recipient_queryset(installation, flow, ...) -> QuerySet (the rows' query)
    csv_cell(value) -> str | int | Decimal

Each yields a header row, then data rows; the view writes them as they come. Recipients are
read in keyset pages (id order), so memory and each query stay the same size whatever the
flow's volume, and no transaction or server-side cursor stays open while a slow client
reads. Cells are made safe for spreadsheets here: a text that starts like a formula is
prefixed with an apostrophe (OWASP "CSV injection"), numbers are left as numbers.
"""

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q, Sum

from ..flows.models import Flow, FlowVersion, VersionState
from ..messaging.models import Message, MessageEventKind
from ..saleor.models import Installation
from .counters import COUNT_METRICS
from .models import AttributedLine
from .selectors import flow_stats

__all__ = [
    "RECIPIENT_EVENTS",
    "csv_cell",
    "flow_recipient_queryset",
    "flow_recipient_rows",
    "flow_stats_rows",
]

PAGE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The first time each of these happened to a message, one column each.
RECIPIENT_EVENTS = (
    MessageEventKind.DELIVERED,
    MessageEventKind.OPENED,
    MessageEventKind.CLICKED,
    MessageEventKind.BOUNCED,
    MessageEventKind.COMPLAINED,
    MessageEventKind.UNSUBSCRIBED,
)
TOTAL_ROW = "(flow total)"


def csv_cell(value: Any) -> str | int | Decimal:
    """A value as a spreadsheet may safely read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(values: list[Any]) -> list[str | int | Decimal]:
    return [csv_cell(value) for value in values]


def _money(amounts: Mapping[str, Decimal]) -> str:
    """Revenue per currency in one cell: "12.50 USD; 3.00 EUR"."""
    return "; ".join(f"{amount} {currency}" for currency, amount in sorted(amounts.items()))


def _node_names(installation: Installation, flow: Flow) -> dict[str, tuple[str, str]]:
    """node id -> (type, name), the newest activated version's first, for the stats rows
    of nodes a later version removed too."""
    names: dict[str, tuple[str, str]] = {}
    graphs = (
        FlowVersion.objects.filter(installation=installation, flow=flow)
        .exclude(state=VersionState.DRAFT)
        .order_by("-number")
        .values_list("graph", flat=True)
    )
    for graph in graphs:
        for node in (graph or {}).get("nodes") or []:
            if isinstance(node, dict) and "id" in node:
                key = str(node["id"])
                names.setdefault(key, (str(node.get("type", "")), str(node.get("name", ""))))
    return names


# After the counts: what the stats selector has for a row (blank where it has none: goal
# conversions belong to the flow, attributed orders and revenue to nodes and the flow).
OUTCOME_COLUMNS = ("attributed_orders", "converted")


def _outcomes(row: Mapping[str, Any]) -> list[Any]:
    revenue = row.get("revenue")
    return [
        *(row.get(metric, "") for metric in OUTCOME_COLUMNS),
        _money(revenue) if isinstance(revenue, Mapping) else "",
    ]


def flow_stats_rows(
    installation: Installation, flow: Flow, *, since: date, until: date
) -> Iterator[list[Any]]:
    """One row per node with activity or enrollments waiting, then the flow's total (see
    stats.selectors.flow_stats). Days are UTC, both included, as in flowStats."""
    stats = flow_stats(installation, flow.pk, since=since, until=until)
    names = _node_names(installation, flow)
    yield [
        "node_id",
        "node_type",
        "node_name",
        "waiting",
        *COUNT_METRICS,
        *OUTCOME_COLUMNS,
        "revenue",
    ]
    for node_id, row in sorted(stats["nodes"].items()):
        node_type, name = names.get(node_id, ("", ""))
        counts = [row.get(metric, 0) for metric in COUNT_METRICS]
        yield _row([node_id, node_type, name, row["waiting"], *counts, *_outcomes(row)])
    total = stats["total"]
    counts = [total.get(metric, 0) for metric in COUNT_METRICS]
    yield _row([TOTAL_ROW, "", "", total["waiting"], *counts, *_outcomes(total)])


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def flow_recipient_queryset(
    installation: Installation,
    flow: Flow,
    *,
    node_id: str | None = None,
    channel: str | None = None,
    since: date | None = None,
    until: date | None = None,
):
    """The flow's messages (id order) with the contact's email and the first time of each
    tracked event; the period is on when they were queued (UTC days, both included)."""
    messages = Message.objects.filter(installation=installation, enrollment__flow=flow)
    if node_id:
        messages = messages.filter(node_id=node_id)
    if channel:
        messages = messages.filter(channel=channel)
    if since is not None:
        messages = messages.filter(created_at__gte=_day_start(since))
    if until is not None:
        messages = messages.filter(created_at__lt=_day_start(until + timedelta(days=1)))
    firsts = {
        f"{kind}_at": Min("events__occurred_at", filter=Q(events__kind=kind))
        for kind in RECIPIENT_EVENTS
    }
    return (
        messages.annotate(**firsts)
        .values(
            "id",
            "contact__email",
            "to_address",
            "node_id",
            "channel",
            "status",
            "created_at",
            "sent_at",
            *firsts,
        )
        .order_by("id")
    )


def _revenue(installation: Installation, message_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Revenue attributed to each message (stats.attribution), per currency."""
    revenue: dict[int, dict[str, Decimal]] = {}
    rows = (
        AttributedLine.objects.filter(installation=installation, message_id__in=message_ids)
        .values("message_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        revenue.setdefault(row["message_id"], {})[row["currency"]] = row["total"]
    return revenue


RECIPIENT_HEADER = [
    "message_id",
    "contact_email",
    "to",
    "node_id",
    "channel",
    "status",
    "queued_at",
    "sent_at",
    *(f"{kind}_at" for kind in RECIPIENT_EVENTS),
    "attributed_revenue",
]


def flow_recipient_rows(
    installation: Installation,
    flow: Flow,
    *,
    node_id: str | None = None,
    channel: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = PAGE,
) -> Iterator[list[Any]]:
    """One row per message of the flow (see flow_recipient_queryset), two queries a page."""
    messages = flow_recipient_queryset(
        installation, flow, node_id=node_id, channel=channel, since=since, until=until
    )
    yield RECIPIENT_HEADER
    last = 0
    while True:
        rows = list(messages.filter(id__gt=last)[:page])
        if not rows:
            return
        revenue = _revenue(installation, [row["id"] for row in rows])
        for row in rows:
            yield _row(
                [
                    row["id"],
                    row["contact__email"],
                    row["to_address"],
                    row["node_id"],
                    row["channel"],
                    row["status"],
                    row["created_at"],
                    row["sent_at"],
                    *(row[f"{kind}_at"] for kind in RECIPIENT_EVENTS),
                    _money(revenue.get(row["id"], {})),
                ]
            )
        if len(rows) < page:
            return
        last = rows[-1]["id"]
