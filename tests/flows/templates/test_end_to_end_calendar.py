"""The templates the calendar starts, end to end: birthday, win-back and best customers.
Their triggers run on the scheduled-triggers beat (each contact's local day, segment
refreshes), so the store's clock walks through days and months here."""

from datetime import datetime, timedelta

import pytest

from saleor_automation.flows.actions.models import VoucherCode
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, GroupMember
from saleor_automation.flows.triggers.models import SegmentMembership

from .driver import StoreClock, inbox_problems
from .shop import BERLIN, NEW_YORK, cancel, deliver, local, place_order, sign_up, template_flow

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def checks(saleor_emulator, installed):
    yield
    assert inbox_problems(installed) == []
    assert saleor_emulator.take_faults() == []


LENA = {"first_name": "Lena", "country": "DE", "city": "Berlin", "postal_code": "10115"}
AVA = {"first_name": "Ava", "country": "US", "city": "New York", "postal_code": "10001"}


def groups_of(email: str) -> list[str]:
    return list(
        GroupMember.objects.filter(contact__email=email).values_list("group__name", flat=True)
    )


def test_birthday_greeting_with_a_voucher_at_nine_on_the_day_in_each_zone(
    saleor_emulator, installed, checks
):
    store = StoreClock(saleor_emulator, installed, start=local(BERLIN, 2026, 3, 10, 12, 0))
    template_flow(store, "birthday")
    sign_up(store, "lena@example.com", birthday="1990-03-15", **LENA)
    sign_up(store, "ava@example.com", birthday="03-15", **AVA)
    sign_up(store, "sam@example.com", birthday="1985-07-01", **AVA)

    sent = store.advance_to(local(BERLIN, 2026, 3, 18, 0, 0))

    assert [(s.to, s.subject) for s in sent] == [
        ("lena@example.com", "Happy birthday, Lena!"),
        ("ava@example.com", "Happy birthday, Ava!"),
    ]
    lena, ava = sent
    assert lena.local(BERLIN) == datetime(2026, 3, 15, 9, 0)
    assert ava.local(NEW_YORK) == datetime(2026, 3, 15, 9, 0)
    for email in sent:
        code = VoucherCode.objects.get(contact__email=email.to)
        assert code.code in email.html
        problem = saleor_emulator.voucher_code_problem
        assert problem(code.code, at=email.sent_at) is None
        assert timedelta(days=7) <= code.valid_until - email.sent_at < timedelta(days=8)
        assert "20%" in email.html


def test_win_back_after_ninety_days_then_a_reminder_then_lapsed(saleor_emulator, installed, checks):
    # A three-hourly beat over the 100 days (the send hour does not depend on it).
    start = local(BERLIN, 2026, 1, 5, 8, 0)
    store = StoreClock(saleor_emulator, installed, start=start, beat=timedelta(hours=3))
    template_flow(store, "win_back")
    bag = saleor_emulator.product("Tote bag", price=30.0)
    jonas = sign_up(store, "jonas@example.com", **{**LENA, "first_name": "Jonas"})
    emma = sign_up(store, "emma@example.com", **{**LENA, "first_name": "Emma"})
    store.advance_to(local(BERLIN, 2026, 1, 5, 15, 0))
    place_order(store, jonas, [bag])
    place_order(store, emma, [bag])

    # 90 local days after 5 January is 5 April (summer time since 29 March).
    offers = store.advance_to(local(BERLIN, 2026, 4, 6, 0, 0))
    # Both go out in the same minute, in either order.
    assert sorted((s.to, s.node_id, s.local(BERLIN)) for s in offers) == [
        ("emma@example.com", "offer", datetime(2026, 4, 5, 9, 0)),
        ("jonas@example.com", "offer", datetime(2026, 4, 5, 9, 0)),
    ]
    codes = {c.contact.email: c.code for c in VoucherCode.objects.select_related("contact")}
    assert all(codes[s.to] in s.html for s in offers)
    assert {s.to: s.subject for s in offers}["jonas@example.com"] == "We miss you, Jonas"

    # Emma comes back with her code: that ends her enrollment.
    store.advance_to(local(BERLIN, 2026, 4, 8, 19, 0))
    comeback = place_order(store, emma, [bag], voucher_code=codes["emma@example.com"])

    rest = store.advance_to(local(BERLIN, 2026, 4, 25, 0, 0))
    assert [(s.to, s.node_id, s.local(BERLIN)) for s in rest] == [
        ("jonas@example.com", "reminder", datetime(2026, 4, 12, 9, 0)),
    ]
    assert codes["jonas@example.com"] in rest[0].html
    assert groups_of("jonas@example.com") == ["lapsed"]
    lapsed = GroupMember.objects.get(contact__email="jonas@example.com")
    assert lapsed.added_at == local(BERLIN, 2026, 4, 19, 9, 0)  # a week after the reminder
    assert groups_of("emma@example.com") == []
    jonas_run, emma_run = Enrollment.objects.order_by("contact__email").reverse()
    assert (jonas_run.status, jonas_run.finish_reason) == (EnrollmentStatus.FINISHED, "exit")
    assert emma_run.finish_reason == "goal_order_placed"
    assert emma_run.conversion["order_id"] == comeback["id"]
    redeemed = VoucherCode.objects.get(code=codes["emma@example.com"])
    assert redeemed.redeemed_order_id == comeback["id"]
    assert VoucherCode.objects.get(code=codes["jonas@example.com"]).redeemed_at is None


def test_best_customers_are_thanked_on_entering_and_leaving_is_recorded(
    saleor_emulator, installed, checks
):
    store = StoreClock(saleor_emulator, installed, start=local(BERLIN, 2026, 6, 1, 8, 0))
    euro = saleor_emulator.channel("eu-channel", currency="EUR")
    with store.frozen():
        sofa = saleor_emulator.product("Sofa", price=1250.0, currency="EUR", channels=[euro])
        lamp = saleor_emulator.product("Lamp", price=80.0, currency="EUR", channels=[euro])
    template_flow(store, "best_customers")
    lena = sign_up(store, "lena@example.com", language="DE", **LENA)
    tom = sign_up(store, "tom@example.com", **{**LENA, "first_name": "Tom"})
    store.advance(timedelta(hours=1))  # the segment's first look: nobody is in it yet

    store.advance_to(local(BERLIN, 2026, 6, 1, 23, 10))
    order = place_order(store, lena, [sofa], channel=euro)
    place_order(store, tom, [lamp], channel=euro)
    sent = store.advance(timedelta(days=2))

    assert [(s.to, s.subject, s.local(BERLIN)) for s in sent] == [
        ("lena@example.com", "Vielen Dank!", datetime(2026, 6, 2, 8, 0)),
    ]
    assert groups_of("lena@example.com") == ["vip"]
    membership = SegmentMembership.objects.get(contact__email="lena@example.com")
    assert membership.is_member and membership.left_at is None

    # The order is cancelled: 0 EUR and 0 orders in the last year, out of the segment.
    cancelled_at = store.now
    deliver(store, "ORDER_CANCELLED", cancel(store, order))
    assert store.advance(timedelta(days=2)) == []
    membership.refresh_from_db()
    assert not membership.is_member
    # Seen at the next hourly segment refresh.
    assert cancelled_at < membership.left_at <= cancelled_at + timedelta(hours=1)
    assert groups_of("lena@example.com") == ["vip"]  # leaving starts nothing
    assert not SegmentMembership.objects.filter(contact__email="tom@example.com").exists()
