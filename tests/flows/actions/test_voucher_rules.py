"""The rules of create_voucher without Saleor: codes, the end of validity, redemption."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from saleor_automation.contacts.models import Order
from saleor_automation.flows.actions.models import VoucherCampaign, VoucherCode
from saleor_automation.flows.actions.voucher import (
    validity_end,
    voucher_code_generate,
    voucher_redemption_record,
)
from saleor_automation.flows.models import Enrollment
from tests.flows.db_fixtures import make_installation

from .conftest import action_flow, enroll, make_contact


def test_codes_are_prefixed_unambiguous_and_distinct():
    codes = {voucher_code_generate() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"SA-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{12}", c) for c in codes)


@pytest.mark.parametrize(
    ("now", "days", "zone", "end"),
    [
        # The last second of the day `days` later, in the store's zone.
        ("2026-06-15T12:00:00+00:00", 7, "UTC", "2026-06-22T23:59:59+00:00"),
        ("2026-06-15T23:30:00+00:00", 1, "Europe/Paris", "2026-06-17T21:59:59+00:00"),
        # Across the switch to summer time: CET when given, CEST when it ends.
        ("2026-03-25T12:00:00+00:00", 7, "Europe/Paris", "2026-04-01T21:59:59+00:00"),
        ("2026-06-15T03:00:00+00:00", 1, "America/New_York", "2026-06-16T03:59:59+00:00"),
    ],
)
def test_validity_ends_with_the_local_day(now, days, zone, end):
    result = validity_end(datetime.fromisoformat(now), days, zone)
    assert result == datetime.fromisoformat(end) and result.tzinfo == UTC


@pytest.fixture
def code(db):
    installation = make_installation()
    contact = make_contact(installation, "ana@example.com")
    flow = action_flow(installation, "add_to_group", group="g")
    enrollment, effect = enroll(flow, contact, timezone.now())
    campaign = VoucherCampaign.objects.create(
        installation=installation,
        flow=flow,
        node_id="a1",
        terms="default-channel|percent|10",
        ends_at=timezone.now(),
        channel_slug="default-channel",
        discount_type="percent",
        value="10",
        name="automation: test",
        key_code=voucher_code_generate(),
    )
    return VoucherCode.objects.create(
        installation=installation,
        effect=effect,
        campaign=campaign,
        contact=contact,
        enrollment=enrollment,
        flow=flow,
        node_id="a1",
        code="SA-ABCDEFGHJKLM",
        valid_until=timezone.now(),
    )


def order(code: VoucherCode, voucher_code: str, status: str = "UNFULFILLED") -> Order:
    """A mirrored order, as the inbox stored it (read back: amounts come as Decimals)."""
    row = Order.objects.create(
        installation=code.installation,
        saleor_id="T3JkZXI6MQ==",
        number="7",
        status=status,
        voucher_code=voucher_code,
        total_gross="12.5",
        currency="EUR",
    )
    return Order.objects.get(pk=row.pk)


def test_a_code_typed_in_lower_case_is_redeemed(code):
    placed = order(code, " sa-abcdefghjklm ")

    assert voucher_redemption_record(installation=code.installation, order=placed) == code

    code.refresh_from_db()
    assert code.redeemed_order_id == "T3JkZXI6MQ=="
    conversion = Enrollment.objects.get().conversion
    assert conversion == {
        "order_id": "T3JkZXI6MQ==",
        "number": "7",
        "total": "12.500",
        "currency": "EUR",
        "voucher_code": "SA-ABCDEFGHJKLM",
    }


@pytest.mark.parametrize(("voucher_code", "status"), [("SA-ABCDEFGHJKLM", "DRAFT"), ("OTHER", "")])
def test_drafts_and_other_codes_redeem_nothing(code, voucher_code, status):
    placed = order(code, voucher_code, status)

    voucher_redemption_record(installation=code.installation, order=placed)

    code.refresh_from_db()
    assert code.redeemed_at is None
    assert Enrollment.objects.get().converted_at is None


def test_another_installations_order_redeems_nothing(code):
    other = make_installation("https://other.example.com/graphql/")
    placed = order(code, "SA-ABCDEFGHJKLM")

    assert voucher_redemption_record(installation=other, order=placed) is None
