"""Revenue attribution end to end: Saleor order events applied as the inbox applies them,
touches read from the database, the decision written once, and the counters it moves."""

import pytest
from django.utils import timezone

from saleor_automation.contacts.backfill_models import BackfillRun
from saleor_automation.contacts.models import Checkout, Order
from saleor_automation.contacts.services.backfill import backfill_node_apply
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.attribution_services import attribution_backfill_sweep
from saleor_automation.stats.models import AttributedLine, OrderAttribution
from saleor_automation.stats.rebuild import stats_rebuild
from saleor_automation.stats.rollup import stats_rollup
from tests.flows.db_fixtures import NOW
from tests.flows.triggers.factories import order

from .attribution_fixtures import (
    DAY,
    MUG,
    PLACED,
    SECOND,
    TEE,
    clicked,
    counters,
    enroll,
    make_shop,
    money,
    order_event,
    sent,
    shop,
    touch,
    voucher,
)

__all__ = ["shop"]
order_body = order
pytestmark = pytest.mark.django_db


def lines(order) -> list[tuple]:
    return sorted(
        AttributedLine.objects.filter(attribution__order=order).values_list(
            "message_id", "node_id", "kind", "product_id", "amount"
        ),
        key=lambda row: row[3],
    )


def winner(order):
    return OrderAttribution.objects.filter(order=order).values_list("kind", "message_id").first()


@pytest.mark.parametrize(
    ("before", "attributed"),
    [
        (5 * DAY, True),  # exactly at the window's far end: in
        (5 * DAY + SECOND, False),  # one second more: out
        (0 * DAY, True),  # at the very moment of the order
        (-SECOND, False),  # a click after the order never counts
    ],
)
def test_click_window_edges(shop, before, attributed):
    message = sent(enroll(shop), at=PLACED - 6 * DAY)
    clicked(message, PLACED - before)
    placed = order_event(shop)
    if attributed:
        assert winner(placed) == ("click", message.pk)
        assert {row[0] for row in lines(placed)} == {message.pk}
        assert sum(row[4] for row in lines(placed)) == money("71")
    else:
        assert winner(placed) == ("", None)
        assert lines(placed) == []


def test_the_last_click_wins(shop):
    first = sent(enroll(shop), "s1", at=PLACED - 4 * DAY)
    second = sent(enroll(shop), "s2", at=PLACED - 3 * DAY)
    clicked(first, PLACED - 2 * DAY)
    clicked(second, PLACED - 3 * DAY)
    clicked(first, PLACED - 1 * DAY)  # the first message again, later: it wins
    placed = order_event(shop)
    assert winner(placed) == ("click", first.pk)
    assert {(row[0], row[1]) for row in lines(placed)} == {(first.pk, "s1")}


def test_opens_count_only_when_the_store_says_so(shop):
    message = sent(enroll(shop), at=PLACED - 2 * DAY)
    touch(message, "opened", PLACED - DAY / 2)
    assert winner(order_event(shop, number=1)) == ("", None)

    shop.installation.attribution_model = "click_or_open"
    shop.installation.save()
    assert winner(order_event(shop, number=2)) == ("open", message.pk)
    # The default open window is one day: one second past it, the open no longer counts.
    assert winner(order_event(shop, number=3, created=PLACED + DAY / 2 + SECOND)) == ("", None)


def test_a_voucher_attributes_directly_to_the_message_that_carried_it(shop):
    enrollment = enroll(shop)
    # Issued at w1 (standing in for the voucher node): s2, after it, carries the code, even
    # though s1 went out later.
    code = voucher(enrollment, "SA-WELCOME10", at=PLACED - 5 * DAY, node_id="w1")
    carrier = sent(enrollment, "s2", at=PLACED - 4 * DAY)
    sent(enrollment, "s1", at=PLACED - 3 * DAY)
    later = sent(enroll(shop), "s1", at=PLACED - DAY)
    clicked(later, PLACED - DAY)  # a click elsewhere: the voucher still wins
    placed = order_event(shop, voucher_code=code.code.lower())
    assert winner(placed) == ("voucher", carrier.pk)
    assert {row[0] for row in lines(placed)} == {carrier.pk}


def test_a_voucher_without_a_send_after_its_node_goes_to_the_latest_message(shop):
    enrollment = enroll(shop)
    code = voucher(enrollment, "SA-OLDGRAPH", at=PLACED - 5 * DAY)  # its node is gone
    sent(enrollment, "s1", at=PLACED - 4 * DAY)
    latest = sent(enrollment, "s2", at=PLACED - 3 * DAY)
    assert winner(order_event(shop, voucher_code=code.code)) == ("voucher", latest.pk)


def test_a_cart_recovery_attributes_directly_without_a_click(shop):
    checkout_id = "Q2hlY2tvdXQ6YzE="  # gid("Checkout", "c1"), the order's checkout below
    Checkout.objects.create(
        installation=shop.installation, saleor_id=checkout_id, contact=shop.contact
    )
    cart = enroll(shop, entry_key=checkout_id)
    reminder = sent(cart, "s2", at=PLACED - 2 * DAY)
    sent(cart, "s1", at=PLACED + SECOND)  # sent after the order: never the one
    # Another email typed at payment: the checkout links the order to the cart flow.
    placed = order_event(shop, checkout_number=1, email="typo@example.com")
    assert placed.contact != shop.contact
    assert winner(placed) == ("cart_recovery", reminder.pk)
    assert {row[0] for row in lines(placed)} == {reminder.pk}


def test_a_clicked_recommendation_is_credited_with_the_lines_it_sold(shop):
    recommendation = sent(enroll(shop), "s1", at=PLACED - 3 * DAY)
    last = sent(enroll(shop), "s2", at=PLACED - 2 * DAY)
    clicked(recommendation, PLACED - 3 * DAY, product_id=MUG)
    clicked(last, PLACED - DAY)
    placed = order_event(shop)
    assert winner(placed) == ("click", last.pk)
    # 71.00 shared by line totals 37 : 29 (shipping included), adding up exactly.
    assert lines(placed) == [
        (recommendation.pk, "s1", "product", MUG, money("39.803")),
        (last.pk, "s2", "click", TEE, money("31.197")),
    ]


def test_a_clicked_product_page_is_matched_by_slug(shop):
    message = sent(enroll(shop), "s1", at=PLACED - 3 * DAY)
    url = "https://shop.example.com/products/organic-cotton-tee/?utm_source=email"
    clicked(message, PLACED - DAY, url=url)
    placed = order_event(shop)
    # Only the tee was clicked; the click also wins the order, so the mug goes there too.
    assert [(row[2], row[3]) for row in lines(placed)] == [("click", MUG), ("product", TEE)]


def test_once_under_replays_and_updates(shop):
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    placed = order_event(shop)
    before = lines(placed)
    order_event(shop)  # the same ORDER_CREATED redelivered
    later = sent(enroll(shop), "s2", at=PLACED)
    clicked(later, PLACED)  # a newer touch appears: the decision stays
    order_event(shop, "order_updated", issued=PLACED + DAY)
    order_event(shop, "order_fulfilled", issued=PLACED + 2 * DAY, status="FULFILLED")
    assert OrderAttribution.objects.filter(order=placed).count() == 1
    assert lines(placed) == before
    stats_rollup(settle=False)
    stats_rollup(settle=False)
    day = PLACED.date()
    assert counters(shop.installation, "revenue", "attributed_orders") == [
        ("", day, "attributed_orders", "", 1),
        ("s1", day, "attributed_orders", "", 1),
        ("s1", day, "revenue", "USD", money("71")),
    ]


def test_refund_halves_and_cancellation_zeroes_revenue_on_the_order_day(shop):
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    order_event(shop)
    stats_rollup(settle=False)
    day = PLACED.date()
    refunded = PLACED + 3 * DAY
    order_event(shop, "order_refunded", issued=refunded, refunded=35.5)
    stats_rollup(settle=False)
    assert counters(shop.installation, "revenue") == [("s1", day, "revenue", "USD", money("35.5"))]

    order_event(shop, "order_cancelled", issued=refunded + DAY, refunded=35.5, status="CANCELED")
    stats_rollup(settle=False)
    # Nothing left: the order no longer counts, its revenue and order count are gone.
    assert counters(shop.installation, "revenue", "attributed_orders") == []
    incremental = counters(shop.installation)
    stats_rebuild(shop.installation)
    assert counters(shop.installation) == incremental


def test_orders_that_do_not_count_wait_until_they_do(shop):
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    unconfirmed = order_event(shop, status="UNCONFIRMED")
    assert winner(unconfirmed) is None
    order_event(shop, "order_confirmed", issued=PLACED + DAY)
    assert winner(unconfirmed) == ("click", message.pk)


def test_counters_after_rollups_equal_a_rebuild(shop):
    first = sent(enroll(shop), "s1", at=PLACED - 2 * DAY)
    second = sent(enroll(shop), "s2", at=PLACED - DAY)
    clicked(first, PLACED - 2 * DAY, product_id=MUG)
    clicked(second, PLACED - DAY)
    order_event(shop, number=1)
    stats_rollup(settle=False)
    order_event(shop, number=2, created=PLACED + DAY, total=20.0)
    order_event(shop, "order_refunded", number=1, issued=PLACED + DAY, refunded=10.0)
    stats_rollup(settle=False)
    incremental = counters(shop.installation)
    assert ("", PLACED.date(), "attributed_orders", "", 1) in incremental  # once per flow
    assert ("s1", PLACED.date(), "attributed_orders", "", 1) in incremental
    assert ("s2", PLACED.date(), "attributed_orders", "", 1) in incremental

    stats_rebuild(shop.installation)
    assert counters(shop.installation) == incremental
    stats_rollup(settle=False)
    assert counters(shop.installation) == incremental


def test_an_order_is_never_attributed_to_another_installations_message(shop):
    other = make_shop("https://other.example.com/graphql/")
    mine = enroll(shop, entry_key="Q2hlY2tvdXQ6YzE=")
    message = sent(mine, at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    code = voucher(mine, "SA-MINE")
    # The same person, checkout id and code, in the other store.
    theirs = order_event(other, checkout_number=1, voucher_code=code.code)
    assert winner(theirs) == ("", None)
    assert AttributedLine.objects.filter(installation=other.installation).count() == 0
    stats_rollup(settle=False)
    assert counters(shop.installation, "revenue") == []


def test_orders_a_backfill_mirrored_are_attributed_once_by_the_sweep(shop):
    Installation.objects.filter(pk=shop.installation.pk).update(installed_at=NOW - 9 * DAY)
    old = order_body(number=2, created=NOW - 100 * DAY)["order"]  # long before the install
    backfill_node_apply(shop.installation, "order", old)
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    run = BackfillRun.objects.create(installation=shop.installation, since=PLACED - DAY)
    body = order_body(created=PLACED)["order"]
    backfill_node_apply(shop.installation, "order", body)  # no event_applied for backfill
    placed = Order.objects.get(installation=shop.installation, number="1001")
    assert winner(placed) is None
    assert attribution_backfill_sweep() == 0  # the run is not finished yet

    run.status, run.finished_at = "done", timezone.now()
    run.save()
    assert attribution_backfill_sweep() == 1
    assert winner(placed) == ("click", message.pk)
    assert OrderAttribution.objects.filter(installation=shop.installation).count() == 1
    assert attribution_backfill_sweep() == 0  # each run once
    stats_rebuild(shop.installation)
    assert attribution_backfill_sweep() == 0  # a rebuild keeps the runs swept


def test_a_rebuild_repairs_amounts_and_decides_orders_no_event_attributed(shop):
    Installation.objects.filter(pk=shop.installation.pk).update(installed_at=NOW - 9 * DAY)
    shop.installation.refresh_from_db()
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    seen = order_event(shop, number=1)
    AttributedLine.objects.filter(attribution__order=seen).update(amount=1)  # drifted
    backfill_node_apply(shop.installation, "order", order_body(number=2, created=PLACED)["order"])
    stats_rollup(settle=False)
    assert counters(shop.installation, "revenue") == [("s1", PLACED.date(), "revenue", "USD", 2)]

    stats_rebuild(shop.installation)
    assert counters(shop.installation, "revenue") == [
        ("s1", PLACED.date(), "revenue", "USD", money("142"))
    ]
    assert OrderAttribution.objects.filter(installation=shop.installation).count() == 2
