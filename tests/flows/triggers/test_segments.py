"""segment_entered: best customers by order count or spend over a window; entering and
leaving are recorded, and the members at the start are a baseline, not entries."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from saleor_automation.contacts.models import Order
from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.triggers.models import SegmentMembership
from saleor_automation.flows.triggers.segments import segment_transitions, segments_run
from saleor_automation.flows.triggers.windows import (
    OrderFact,
    WindowField,
    window_attributes,
    window_fields,
)

from ..db_fixtures import installation, make_contact
from .factories import trigger_flow

__all__ = ["installation"]

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ORDER_NUMBERS = itertools.count(1)
TWO_ORDERS_A_YEAR = {"field": "contact.attributes.orders_last_365d", "op": "gte", "value": 2}


def buy(contact, at: datetime, amount: str = "50", currency: str = "EUR") -> None:
    Order.objects.create(
        installation_id=contact.installation_id,
        saleor_id=f"order-{next(ORDER_NUMBERS)}",
        contact=contact,
        status="FULFILLED",
        currency=currency,
        total_gross=Decimal(amount),
        saleor_created_at=at,
    )


def members(flow) -> set[str]:
    rows = SegmentMembership.objects.filter(flow=flow, is_member=True)
    return set(rows.values_list("contact__email", flat=True))


def test_members_at_the_start_are_a_baseline_then_entries_enroll(installation):
    loyal = make_contact(installation, 1)
    newcomer = make_contact(installation, 2)
    buy(loyal, NOW - 200 * DAY)
    buy(loyal, NOW - 20 * DAY)
    buy(newcomer, NOW - 10 * DAY)
    flow = trigger_flow(installation, "segment_entered", segment=TWO_ORDERS_A_YEAR)

    assert segments_run(now=NOW) == {"segment_baseline": 1}
    assert members(flow) == {loyal.email}
    assert not Enrollment.objects.exists()

    buy(newcomer, NOW + DAY)
    assert segments_run(now=NOW + timedelta(minutes=30)) == {}  # not due (hourly)
    outcomes = segments_run(now=NOW + 2 * DAY)
    assert outcomes == {"segment_entered": 1, "entered": 1}
    assert members(flow) == {loyal.email, newcomer.email}
    enrollment = Enrollment.objects.get(flow=flow)
    assert (enrollment.contact_id, enrollment.entry_key) == (newcomer.pk, "2026-06-17")

    # 200 days on, the loyal customer's older order leaves the window.
    assert segments_run(now=NOW + 170 * DAY) == {"segment_left": 1}
    left = SegmentMembership.objects.get(flow=flow, contact=loyal)
    assert (left.is_member, left.left_at) == (False, NOW + 170 * DAY)
    assert Enrollment.objects.filter(flow=flow).count() == 1


def test_entering_again_reopens_the_membership(installation):
    person = make_contact(installation, 1, country="FR")
    segment = {"field": "contact.country", "op": "eq", "value": "FR"}
    flow = trigger_flow(installation, "segment_entered", {"reentry": "always"}, segment=segment)
    segments_run(now=NOW)  # baseline
    person.country = "DE"
    person.save()
    assert segments_run(now=NOW + DAY) == {"segment_left": 1}
    person.country = "FR"
    person.save()
    assert segments_run(now=NOW + 2 * DAY) == {"segment_entered": 1, "entered": 1}
    row = SegmentMembership.objects.get(flow=flow)
    assert (row.is_member, row.times_entered, row.left_at) == (True, 2, None)


def test_spend_over_a_window_in_one_currency(installation):
    big = make_contact(installation, 1)
    small = make_contact(installation, 2)
    segment = {"field": "contact.attributes.spend_last_90d.EUR", "op": "gte", "value": 100}
    flow = trigger_flow(installation, "segment_entered", segment=segment)
    segments_run(now=NOW)
    buy(big, NOW + DAY, "80")
    buy(big, NOW + DAY, "30")
    buy(small, NOW + DAY, "500", currency="USD")
    segments_run(now=NOW + 2 * DAY)
    assert members(flow) == {big.email}


def test_window_fields_and_attributes():
    predicate = {
        "any": [
            TWO_ORDERS_A_YEAR,
            {"not": {"field": "contact.attributes.spend_last_30d.EUR", "op": "lt", "value": 5}},
            {"field": "contact.attributes.spend_last_30d", "op": "gt", "value": 1},  # no CUR
            {"field": "contact.attributes.orders_last_0d", "op": "gt", "value": 1},
        ]
    }
    fields = window_fields(predicate)
    assert fields == {WindowField("orders", 365), WindowField("spend", 30, "EUR")}
    orders = [
        OrderFact(NOW - 10 * DAY, "EUR", Decimal("12.5")),
        OrderFact(NOW - 40 * DAY, "EUR", Decimal("100")),
        OrderFact(NOW - 5 * DAY, "USD", Decimal("7")),
    ]
    assert window_attributes(orders, fields, NOW) == {
        "orders_last_365d": 3,
        "spend_last_30d.EUR": Decimal("12.5"),
    }


def test_segment_transitions():
    assert segment_transitions({1, 2}, {2, 3}) == ({3}, {1})
