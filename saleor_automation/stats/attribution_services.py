"""Attributing orders: loading the touches, writing the decision once, keeping the amounts
current (the rules are in stats.attribution).

    order_attribute(installation, order, *, now=None) -> OrderAttribution | None
    event_attribute(*, installation, event, now=None) -> OrderAttribution | None
    attribution_resync(installation, *, now=None) -> int
    attribution_backfill_sweep(*, now=None) -> int

When: a receiver of contacts' `event_applied` attributes inside the transaction that applied
the order event (stats.receivers). Backfilled orders send no signal (a reconciliation after a
deactivation mirrors the orders and refunds Saleor could not deliver), so the periodic stats
task sweeps each finished backfill run once (attribution_backfill_sweep).
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..contacts.backfill_models import BackfillRun
from ..contacts.models import Checkout, Order, OrderLine
from ..flows.actions.models import VoucherCode
from ..flows.definition import NodeType, walk
from ..flows.models import Enrollment
from ..flows.selectors import flow_version_parsed
from ..messaging.models import Message, MessageEvent, MessageEventKind
from ..saleor import payloads
from ..saleor.installation_settings import MAX_ATTRIBUTION_DAYS
from ..saleor.models import Installation
from .attribution import (
    AttributionSettings,
    LineFacts,
    OrderFacts,
    Touch,
    attribution_decide,
    attribution_settings,
    line_amounts,
    order_counts,
)
from .models import AttributedLine, AttributionKind, OrderAttribution, StatsCounted


def _order_facts(order: Order) -> OrderFacts:
    return OrderFacts(
        created_at=order.saleor_created_at,
        status=order.status,
        currency=order.currency,
        total_gross=order.total_gross,
        total_refunded=order.total_refunded,
    )


def _line_facts(order: Order) -> list[LineFacts]:
    rows = OrderLine.objects.filter(installation_id=order.installation_id, order=order)
    facts, seen = [], set()
    for index, row in enumerate(rows.order_by("pk")):
        key = row.saleor_line_id or f"#{index}"
        if key in seen:  # a payload repeating a line id: keep the keys unique
            key = f"{key}#{index}"
        seen.add(key)
        facts.append(LineFacts(key, row.product_id, row.product_slug, row.total_price))
    return facts


def _send_touch(kind: str, message: Message, sent_at: datetime) -> Touch:
    return Touch(
        kind=kind,
        at=sent_at,
        message_id=message.pk,
        flow_id=message.enrollment.flow_id,
        version_id=message.enrollment.version_id,
        node_id=message.node_id,
    )


def _sent_messages(installation: Installation, placed: datetime, enrollments: Q):
    return (
        Message.objects.filter(
            enrollments, installation=installation, sent_at__isnull=False, sent_at__lte=placed
        )
        .select_related("enrollment")
        .order_by("sent_at", "pk")
    )


def _downstream_sends(version_id: int, node_id: str) -> set[str]:
    """The send nodes after `node_id` in the version's graph: where its voucher goes out."""
    graph = flow_version_parsed(version_id).graph
    after = {source: set(graph.outgoing(source).values()) for source in graph.nodes}
    sends = (NodeType.SEND_EMAIL, NodeType.SEND_SMS)
    return {node for node in walk(node_id, after) if graph.nodes[node].type in sends}


def _voucher_touch(installation: Installation, order: Order, placed: datetime) -> Touch | None:
    code = (order.voucher_code or "").strip().upper()  # as flows.actions.voucher reads it
    rows = VoucherCode.objects.filter(installation=installation, code=code)
    row = rows.select_related("enrollment").first() if code else None
    if row is None:
        return None
    sent = list(_sent_messages(installation, placed, Q(enrollment_id=row.enrollment_id)))
    # The first message of a send node after the voucher node carried the code; without
    # one (a graph edited since, a code sent by another route), the enrollment's latest.
    carriers = _downstream_sends(row.enrollment.version_id, row.node_id)
    carrying = next((m for m in sent if m.node_id in carriers), None)
    message = carrying or (sent[-1] if sent else None)
    if message is None or message.sent_at is None:
        return None
    return _send_touch(AttributionKind.VOUCHER, message, message.sent_at)


def _cart_touch(installation: Installation, order: Order, placed: datetime) -> Touch | None:
    if not order.checkout_id:
        return None
    # The cart flow enrolled the checkout's contact (the order may carry another email);
    # reading their enrollments goes through the contact index, not the whole table.
    people = {order.contact_id} | set(
        Checkout.objects.filter(
            installation=installation, saleor_id=order.checkout_id, contact__isnull=False
        ).values_list("contact_id", flat=True)
    )
    people.discard(None)
    if not people:
        return None
    carts = Enrollment.objects.filter(
        Q(entry_key=order.checkout_id) | Q(context__checkout__id=order.checkout_id),
        installation=installation,
        contact_id__in=people,
    ).values("pk")
    message = _sent_messages(installation, placed, Q(enrollment_id__in=carts)).last()
    if message is None or message.sent_at is None:
        return None
    return _send_touch(AttributionKind.CART_RECOVERY, message, message.sent_at)


def _engagement_touches(
    installation: Installation, order: Order, placed: datetime, settings: AttributionSettings
) -> list[Touch]:
    if order.contact_id is None:
        return []
    kinds = [MessageEventKind.CLICKED]
    window = settings.click_window
    if settings.counts_opens:
        kinds.append(MessageEventKind.OPENED)
        window = max(window, settings.open_window)
    events = MessageEvent.objects.filter(
        installation=installation,
        message__installation=installation,
        message__contact_id=order.contact_id,
        message__enrollment__isnull=False,
        kind__in=kinds,
        occurred_at__gte=placed - window,
        occurred_at__lte=placed,
    ).values(
        "kind",
        "occurred_at",
        "data",
        "message_id",
        "message__node_id",
        "message__enrollment__flow_id",
        "message__enrollment__version_id",
    )
    touches = []
    for row in events:
        data = row["data"] if isinstance(row["data"], dict) else {}
        clicked = row["kind"] == MessageEventKind.CLICKED
        touches.append(
            Touch(
                kind=AttributionKind.CLICK if clicked else AttributionKind.OPEN,
                at=row["occurred_at"],
                message_id=row["message_id"],
                flow_id=row["message__enrollment__flow_id"],
                version_id=row["message__enrollment__version_id"],
                node_id=row["message__node_id"],
                product_id=str(data.get("product_id") or "") if clicked else "",
                url=str(data.get("url") or "") if clicked else "",
            )
        )
    return touches


def _carriers(lines: Sequence[AttributedLine]) -> tuple[set[int], set[int]]:
    """The lines that carry the order's count: the first (by key) per node and per flow."""
    per_node: dict[tuple[int, int, str], AttributedLine] = {}
    per_flow: dict[int, AttributedLine] = {}
    for line in sorted(lines, key=lambda row: row.line_key):
        per_node.setdefault((line.flow_id, line.version_id, line.node_id), line)
        per_flow.setdefault(line.flow_id, line)
    return {id(line) for line in per_node.values()}, {id(line) for line in per_flow.values()}


def _amounts_refresh(
    order: Order, lines_now: Sequence[LineFacts], lines: Sequence[AttributedLine]
) -> list[AttributedLine]:
    """Set each attributed line's amount and order flags from the order as mirrored now;
    returns the lines that changed."""
    amounts = line_amounts(_order_facts(order), lines_now)
    counts = order_counts(order.status)
    node_carriers, flow_carriers = _carriers(lines)
    changed = []
    for line in lines:
        values = (
            amounts.get(line.line_key, Decimal(0)),  # a line Saleor removed earns nothing
            int(counts and id(line) in node_carriers),
            int(counts and id(line) in flow_carriers),
        )
        if values != (line.amount, line.orders, line.flow_orders):
            line.amount, line.orders, line.flow_orders = values
            changed.append(line)
    return changed


def order_attribute(
    installation: Installation, order: Order, *, now: datetime | None = None
) -> OrderAttribution | None:
    """Decide the order's attribution if it was never decided and it counts, then bring its
    lines' amounts up to date. Idempotent: replaying any event of the order changes nothing.
    Returns the decision (None while the order does not count yet)."""
    now = now or timezone.now()
    # The order's row lock serialises every attribution of one order (the inbox already
    # holds it while applying the order's event).
    order = Order.objects.select_for_update().get(installation=installation, pk=order.pk)
    attribution = OrderAttribution.objects.filter(installation=installation, order=order).first()
    lines_now = _line_facts(order)
    if attribution is None:
        if not order_counts(order.status):
            return None
        return _decide(installation, order, lines_now, now)
    # Locked in id order, as the rollup locks them (stats.counters): no deadlock between them.
    lines = list(attribution.lines.select_for_update().order_by("id"))
    changed = _amounts_refresh(order, lines_now, lines)
    if changed:
        AttributedLine.objects.bulk_update(changed, ["amount", "orders", "flow_orders"])
        OrderAttribution.objects.filter(pk=attribution.pk).update(updated_at=now)
    return attribution


def _decide(
    installation: Installation, order: Order, lines_now: list[LineFacts], now: datetime
) -> OrderAttribution:
    settings = attribution_settings(installation)
    placed = order.saleor_created_at or now
    touches = _engagement_touches(installation, order, placed, settings)
    for find in (_voucher_touch, _cart_touch):
        direct = find(installation, order, placed)
        if direct is not None:
            touches.append(direct)
    decision = attribution_decide(
        _order_facts(order), lines_now, touches, settings=settings, now=now
    )
    winner = decision.winner
    attribution = OrderAttribution.objects.create(
        installation=installation,
        order=order,
        kind=winner.kind if winner else "",
        message_id=winner.message_id if winner else None,
        decided_at=now,
        updated_at=now,
    )
    day = placed.astimezone(UTC).date()
    lines = [
        AttributedLine(
            installation=installation,
            attribution=attribution,
            line_key=credit.line_key,
            product_id=credit.product_id,
            message_id=credit.touch.message_id,
            flow_id=credit.touch.flow_id,
            version_id=credit.touch.version_id,
            node_id=credit.touch.node_id,
            kind=credit.kind,
            touched_at=credit.touch.at,
            day=day,
            currency=order.currency,
        )
        for credit in decision.credits
    ]
    _amounts_refresh(order, lines_now, lines)
    AttributedLine.objects.bulk_create(lines)
    return attribution


def event_attribute(
    *, installation: Installation, event: payloads.Event, now: datetime | None = None
) -> OrderAttribution | None:
    """An applied Saleor event: attribute its order (or update the amounts) when it is one."""
    if not isinstance(event, payloads.OrderEvent) or event.order is None:
        return None
    order = Order.objects.filter(installation=installation, saleor_id=event.order.id).first()
    if order is None:
        return None
    return order_attribute(installation, order, now=now)


def _attributable_orders(installation: Installation):  # -> QuerySet[Order]
    """Orders that can have a touch: placed since the app was installed, minus the longest
    window (no flow message is older than the installation)."""
    oldest = installation.installed_at - timedelta(days=MAX_ATTRIBUTION_DAYS)
    return Order.objects.filter(installation=installation, saleor_created_at__gte=oldest)


def attribution_resync(installation: Installation, *, now: datetime | None = None) -> int:
    """Attribute every attributable order of the installation not decided yet and bring the
    amounts of the decided ones back in line with the mirrored orders (the rebuild's repair).
    Returns the number of orders read."""
    orders = _attributable_orders(installation).order_by("pk")
    count = 0
    for order in orders.iterator(chunk_size=500):
        order_attribute(installation, order, now=now)
        count += 1
    return count


def attribution_backfill_sweep(*, now: datetime | None = None) -> int:
    """Attribute (or update) the orders each finished backfill run mirrored, once per run
    (marked in StatsCounted). Returns the number of runs swept."""
    now = now or timezone.now()
    swept = 0
    while True:
        with transaction.atomic():
            run = (
                BackfillRun.objects.select_for_update(skip_locked=True)
                .filter(finished_at__isnull=False)
                .exclude(
                    pk__in=StatsCounted.objects.filter(kind=StatsCounted.KIND_BACKFILL).values(
                        "object_id"
                    )
                )
                .select_related("installation")
                .order_by("pk")
                .first()
            )
            if run is None:
                return swept
            installation = run.installation
            orders = _attributable_orders(installation).filter(updated_at__gte=run.started_at)
            for order in orders.order_by("pk").iterator(chunk_size=500):
                order_attribute(installation, order, now=now)
            StatsCounted.objects.create(
                installation=installation, kind=StatsCounted.KIND_BACKFILL, object_id=run.pk
            )
            swept += 1
