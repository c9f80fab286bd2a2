"""The attribution rules as plain functions: no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_automation.checks import check_attribution_settings
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.attribution import (
    AttributionSettings,
    LineFacts,
    OrderFacts,
    Touch,
    attribution_decide,
    attribution_settings,
    line_amounts,
)

NOW = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
CLICKS = AttributionSettings("click", click_window=5 * DAY, open_window=DAY)
OPENS = AttributionSettings("click_or_open", click_window=5 * DAY, open_window=DAY)
ORDER = OrderFacts(NOW, "UNFULFILLED", "EUR", Decimal("100"), Decimal("0"))
LINES = [
    LineFacts("l1", "P1", "red-shoe", Decimal("60")),
    LineFacts("l2", "P2", "blue-hat", Decimal("30")),
]


def t(kind: str, before: timedelta, message: int, **extra: str) -> Touch:
    return Touch(
        kind, NOW - before, message, flow_id=1, version_id=1, node_id=f"n{message}", **extra
    )


def decide(touches, order=ORDER, lines=LINES, settings=CLICKS):
    return attribution_decide(order, lines, touches, settings=settings, now=NOW)


def credited(decision) -> list[tuple[str, str, int]]:
    return [(c.line_key, c.kind, c.touch.message_id) for c in decision.credits]


@pytest.mark.parametrize(
    ("before", "won"),
    [(5 * DAY, True), (5 * DAY + SECOND, False), (0 * DAY, True), (-SECOND, False)],
)
def test_click_window_edges(before, won):
    decision = decide([t("click", before, 1)])
    assert (decision.winner is not None) is won
    assert credited(decision) == ([("l1", "click", 1), ("l2", "click", 1)] if won else [])


def test_the_latest_click_wins():
    decision = decide([t("click", 3 * DAY, 1), t("click", DAY, 2), t("click", 2 * DAY, 3)])
    assert decision.winner.message_id == 2


def test_opens_need_the_setting_and_their_own_window():
    opened = [t("open", DAY / 2, 1), t("click", 2 * DAY, 2)]
    assert decide(opened).winner.message_id == 2  # opens ignored
    assert decide(opened, settings=OPENS).winner.message_id == 1  # the later touch
    late_open = [t("open", DAY + SECOND, 1), t("click", 2 * DAY, 2)]
    assert decide(late_open, settings=OPENS).winner.message_id == 2
    same_time = [t("open", DAY / 2, 1), t("click", DAY / 2, 2)]
    assert decide(same_time, settings=OPENS).winner.kind == "click"


def test_direct_touches_win_first_voucher_before_cart():
    touches = [t("click", 0 * DAY, 1), t("cart_recovery", DAY, 2), t("voucher", 20 * DAY, 3)]
    assert decide(touches).winner.kind == "voucher"  # no window for a direct touch
    assert decide(touches[:2]).winner.kind == "cart_recovery"
    assert decide([t("voucher", -SECOND, 3)]).winner is None  # sent after the order


def test_clicked_products_take_their_lines():
    touches = [t("click", 3 * DAY, 1, product_id="P2"), t("click", DAY, 2)]
    assert credited(decide(touches)) == [("l1", "click", 2), ("l2", "product", 1)]
    by_slug = [t("click", 3 * DAY, 1, url="https://s.example/p/red-shoe?x=1")]
    assert credited(decide(by_slug)) == [("l1", "product", 1), ("l2", "click", 1)]
    not_a_segment = [t("click", 3 * DAY, 1, url="https://s.example/p/red-shoes")]
    assert credited(decide(not_a_segment)) == [("l1", "click", 1), ("l2", "click", 1)]
    # A product click is a click of its message too: alone, it also wins the other lines.
    alone = [t("click", DAY, 1, product_id="P1")]
    assert credited(decide(alone)) == [("l1", "product", 1), ("l2", "click", 1)]


def test_orders_that_do_not_count_are_not_attributed():
    for status in ("DRAFT", "UNCONFIRMED", "EXPIRED", "CANCELED"):
        order = OrderFacts(NOW, status, "EUR", Decimal("100"), Decimal("0"))
        assert decide([t("click", DAY, 1)], order=order).credits == ()


def test_an_order_without_lines_is_one_line():
    assert credited(decide([t("click", DAY, 1)], lines=[])) == [("", "click", 1)]
    assert line_amounts(ORDER, []) == {"": Decimal("100")}


def test_amounts_share_the_net_revenue_by_line_totals():
    assert line_amounts(ORDER, LINES) == {"l1": Decimal("66.666"), "l2": Decimal("33.334")}
    refunded = OrderFacts(NOW, "FULFILLED", "EUR", Decimal("100"), Decimal("50"))
    assert line_amounts(refunded, LINES) == {"l1": Decimal("33.333"), "l2": Decimal("16.667")}
    cancelled = OrderFacts(NOW, "CANCELED", "EUR", Decimal("100"), Decimal("0"))
    assert line_amounts(cancelled, LINES) == {"l1": Decimal(0), "l2": Decimal(0)}
    over_refunded = OrderFacts(NOW, "FULFILLED", "EUR", Decimal("100"), Decimal("120"))
    assert sum(line_amounts(over_refunded, LINES).values()) == 0
    free = [LineFacts("a", "P1", "", Decimal(0)), LineFacts("b", "P2", "", Decimal(0))]
    assert line_amounts(ORDER, free) == {"a": Decimal("50.000"), "b": Decimal("50.000")}


def test_settings_the_store_chose_else_the_deployment_defaults(settings):
    own = Installation(
        attribution_model="click_or_open", attribution_click_days=2, attribution_open_days=3
    )
    assert attribution_settings(own) == AttributionSettings("click_or_open", 2 * DAY, 3 * DAY)
    settings.ATTRIBUTION_CLICK_DAYS = 7
    assert attribution_settings(Installation()) == AttributionSettings("click", 7 * DAY, DAY)
    assert check_attribution_settings(None) == []
    # A bad deployment value is an error at start; order processing reads the documented one.
    settings.ATTRIBUTION_MODEL, settings.ATTRIBUTION_OPEN_DAYS = "first_touch", 0
    assert [e.id for e in check_attribution_settings(None)] == [
        "saleor_automation.E002",
        "saleor_automation.E003",
    ]
    assert attribution_settings(Installation()) == AttributionSettings("click", 7 * DAY, DAY)
