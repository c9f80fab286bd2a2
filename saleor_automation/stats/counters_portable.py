"""stats.counters on a database without PostgreSQL's SQL: SQLite, which `make run` and
`make demo` use. The same increments, from the same rows, computed with the ORM and added
row by row. That is only safe because SQLite has one writer at a time (settings open every
transaction IMMEDIATE): nothing can add to a counter between the read and the write.

stats.counters calls these when the connection is not PostgreSQL's; tests/stats check both
give the same counters.
"""

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q

from ..flows.models import Enrollment, StepRun
from ..messaging.models import Message, MessageEvent
from .models import AttributedLine, StatsCounted, StatsCounter

# (installation, flow, version, node, day, metric, currency)
Key = tuple[int, int, int, str, date, str, str]


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _scoped(rows, installation_id: int | None):  # QuerySet -> QuerySet
    return rows if installation_id is None else rows.filter(installation_id=installation_id)


def _add(increments: dict[Key, Decimal]) -> int:
    """value += increment for each key (the row created at the increment when missing);
    returns the number of rows touched, as the upsert's rowcount."""
    for (installation, flow, version, node, day, metric, currency), value in sorted(
        increments.items()
    ):
        key = {
            "flow_id": flow,
            "version_id": version,
            "node_id": node,
            "day": day,
            "metric": metric,
            "currency": currency,
        }
        row, created = StatsCounter.objects.get_or_create(
            **key, defaults={"installation_id": installation, "value": value}
        )
        if not created:
            StatsCounter.objects.filter(pk=row.pk).update(value=F("value") + value)
    return len(increments)


def count_steps(*, after_id: int, upto_id: int, installation_id: int | None) -> int:
    runs = _scoped(StepRun.objects.filter(id__gt=after_id, id__lte=upto_id), installation_id)
    increments: dict[Key, Decimal] = defaultdict(Decimal)
    for installation, flow, version, node, node_type, entered_at in runs.values_list(
        "installation_id",
        "enrollment__flow_id",
        "enrollment__version_id",
        "node_id",
        "node_type",
        "entered_at",
    ).iterator():
        day = _day(entered_at)
        increments[(installation, flow, version, node, day, "entered", "")] += 1
        if node_type == "trigger":  # the flow's own entries
            increments[(installation, flow, version, "", day, "entered", "")] += 1
    return _add(increments)


def count_events(
    *, after_id: int, upto_id: int, kinds: list[str], installation_id: int | None
) -> int:
    earlier = MessageEvent.objects.filter(
        message_id=OuterRef("message_id"), kind=OuterRef("kind"), id__lt=OuterRef("id")
    )
    events = _scoped(
        MessageEvent.objects.filter(
            id__gt=after_id,
            id__lte=upto_id,
            kind__in=kinds,
            message__enrollment__isnull=False,
        ),
        installation_id,
    ).filter(~Exists(earlier))
    increments: dict[Key, Decimal] = defaultdict(Decimal)
    for installation, flow, version, node, occurred_at, kind in events.values_list(
        "message__installation_id",
        "message__enrollment__flow_id",
        "message__enrollment__version_id",
        "message__node_id",
        "occurred_at",
        "kind",
    ).iterator():
        increments[(installation, flow, version, node, _day(occurred_at), kind, "")] += 1
    return _add(increments)


def _not_counted(kind: str):  # -> Exists
    return ~Exists(StatsCounted.objects.filter(kind=kind, object_id=OuterRef("pk")))


def count_sent(*, installation_id: int | None, since: datetime | None) -> int:
    sent = _scoped(
        Message.objects.filter(sent_at__isnull=False, enrollment__isnull=False), installation_id
    ).filter(_not_counted(StatsCounted.KIND_SENT))
    if since is not None:
        sent = sent.filter(sent_at__gte=since)
    rows = list(
        sent.values_list(
            "pk",
            "installation_id",
            "enrollment__flow_id",
            "enrollment__version_id",
            "node_id",
            "sent_at",
        )
    )
    StatsCounted.objects.bulk_create(
        [
            StatsCounted(installation_id=row[1], kind=StatsCounted.KIND_SENT, object_id=row[0])
            for row in rows
        ],
        ignore_conflicts=True,
    )
    increments: dict[Key, Decimal] = defaultdict(Decimal)
    for _pk, installation, flow, version, node, sent_at in rows:
        increments[(installation, flow, version, node, _day(sent_at), "sent", "")] += 1
    return _add(increments)


def count_conversions(*, installation_id: int | None, since: datetime | None) -> int:
    converted = _scoped(
        Enrollment.objects.filter(converted_at__isnull=False), installation_id
    ).filter(_not_counted(StatsCounted.KIND_CONVERTED))
    if since is not None:
        converted = converted.filter(converted_at__gte=since)
    rows = list(
        converted.values_list(
            "pk", "installation_id", "flow_id", "version_id", "converted_at", "holdout"
        )
    )
    StatsCounted.objects.bulk_create(
        [
            StatsCounted(installation_id=row[1], kind=StatsCounted.KIND_CONVERTED, object_id=row[0])
            for row in rows
        ],
        ignore_conflicts=True,
    )
    increments: dict[Key, Decimal] = defaultdict(Decimal)
    for _pk, installation, flow, version, converted_at, holdout in rows:
        metric = "holdout_converted" if holdout else "converted"
        increments[(installation, flow, version, "", _day(converted_at), metric, "")] += 1
    return _add(increments)


def count_attribution(*, installation_id: int | None) -> int:
    changed = _scoped(
        AttributedLine.objects.filter(
            ~Q(amount=F("counted_amount"))
            | ~Q(orders=F("counted_orders"))
            | ~Q(flow_orders=F("counted_flow_orders"))
        ),
        installation_id,
    ).order_by("id")
    lines = list(changed)
    increments: dict[Key, Decimal] = defaultdict(Decimal)
    for line in lines:
        node = (line.installation_id, line.flow_id, line.version_id, line.node_id, line.day)
        flow = (line.installation_id, line.flow_id, line.version_id, "", line.day)
        increments[(*node, "revenue", line.currency)] += line.amount - line.counted_amount
        increments[(*node, "attributed_orders", "")] += line.orders - line.counted_orders
        increments[(*flow, "attributed_orders", "")] += line.flow_orders - line.counted_flow_orders
        line.counted_amount = line.amount
        line.counted_orders = line.orders
        line.counted_flow_orders = line.flow_orders
    AttributedLine.objects.bulk_update(
        lines, ["counted_amount", "counted_orders", "counted_flow_orders"]
    )
    # Only the groups that moved (the SQL's HAVING sum <> 0).
    moved = {key: value for key, value in increments.items() if value != 0}
    touched = _add(moved)
    # Counter rows back at zero go, so the counters stay what a rebuild would write.
    for installation, flow, version, node, day, metric, currency in moved:
        StatsCounter.objects.filter(
            installation_id=installation,
            flow_id=flow,
            version_id=version,
            node_id=node,
            day=day,
            metric=metric,
            currency=currency,
            value=0,
        ).delete()
    return touched
