"""create_voucher end to end: the engine records the effect, effect_run calls the emulated
Saleor over HTTP, and an ORDER_CREATED carrying the code redeems it."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Order
from saleor_automation.flows.actions import voucher as voucher_action
from saleor_automation.flows.actions.models import (
    VoucherCampaign,
    VoucherCode,
    VoucherCodeStatus,
)
from saleor_automation.flows.effects import (
    GRACE,
    RUNNING_LEASE,
    effect_run,
    effects_sweep,
    retry_delay,
)
from saleor_automation.flows.models import Effect, EffectStatus

from .conftest import action_flow, enroll, make_contact

pytestmark = pytest.mark.django_db(transaction=True)

PARAMS = {"discount_type": "percent", "value": "15", "valid_days": 7, "channel": "default-channel"}


class Crash(BaseException):
    """The worker dies: not an Exception, so nothing in the app catches it."""


def voucher_flow(installation, **overrides):
    return action_flow(installation, "create_voucher", **{**PARAMS, **overrides})


def crash_after(monkeypatch, document: str) -> None:
    """Saleor carries out `document`, then the worker dies before recording the answer."""
    real = voucher_action.saleor_execute

    def execute(installation, name, variables):
        data = real(installation, name, variables)
        if name == document:
            raise Crash(name)
        return data

    monkeypatch.setattr(voucher_action, "saleor_execute", execute)


def recover(effect: Effect, now: datetime) -> datetime:
    """What the periodic sweep does with the interrupted effect; returns when it is due."""
    later = now + RUNNING_LEASE + timedelta(seconds=1)
    assert effects_sweep(now=later) == []  # taken back, but not due before its backoff
    assert Effect.objects.get(pk=effect.pk).status == EffectStatus.PENDING
    due = later + retry_delay(1)
    assert effects_sweep(now=due + GRACE) == [effect.pk]
    return due


def test_a_code_is_added_to_a_campaign_voucher_listed_in_the_channel(
    saleor_emulator, installed, contact, now, requests_since
):
    enrollment, effect = enroll(voucher_flow(installed), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    row = VoucherCode.objects.get()
    campaign = row.campaign
    channel_id = saleor_emulator.channel()["id"]
    assert requests_since() == [
        (
            "CreateMarketingVoucher",
            {
                "input": {
                    "name": campaign.name,
                    "type": "ENTIRE_ORDER",
                    "discountValueType": "PERCENTAGE",
                    "singleUse": True,
                    "applyOncePerCustomer": True,
                    "applyOncePerOrder": False,
                    "onlyForStaff": False,
                    "endDate": row.valid_until.isoformat(),
                    "addCodes": [campaign.key_code],
                }
            },
        ),
        (
            "SetVoucherChannelListing",
            {"voucherId": campaign.saleor_voucher_id, "channelId": channel_id, "value": "15"},
        ),
        ("AddVoucherCodes", {"voucherId": campaign.saleor_voucher_id, "codes": [row.code]}),
    ]
    assert re.fullmatch(r"SA-[A-HJ-NP-Z2-9]{12}", row.code)
    assert (row.status, row.contact, row.enrollment) == (
        VoucherCodeStatus.ACTIVE,
        contact,
        enrollment,
    )
    voucher = saleor_emulator.voucher_of_code(row.code)
    assert voucher["id"] == campaign.saleor_voucher_id == row.saleor_voucher_id
    assert voucher["name"].startswith("automation: test flow a1 until ")
    assert voucher["singleUse"] and voucher["applyOncePerCustomer"]
    [listing] = voucher["channelListings"]
    assert (listing["channel"]["slug"], listing["discountValue"]) == ("default-channel", 15.0)
    assert sorted(c["code"] for c in voucher["_codes"]) == sorted([campaign.key_code, row.code])
    # Saleor's one endDate per voucher is the codes' end of validity.
    assert datetime.fromisoformat(voucher["endDate"]) == row.valid_until
    assert now + timedelta(days=7) <= row.valid_until < now + timedelta(days=8)
    assert saleor_emulator.voucher_code_problem(row.code) is None
    assert saleor_emulator.voucher_code_problem(row.code, at=row.valid_until + timedelta(seconds=1))
    enrollment.refresh_from_db()
    assert enrollment.context["voucher"] == {
        "code": row.code,
        "valid_until": row.valid_until.isoformat(),
        "discount": "15%",
    }


def test_contacts_of_one_day_share_one_campaign_voucher(
    saleor_emulator, installed, contact, now, requests_since
):
    flow = voucher_flow(installed, discount_type="fixed", value="10")
    other = make_contact(
        installed, "bo@example.com", saleor_user_id=saleor_emulator.customer("bo@example.com")["id"]
    )
    _, first = enroll(flow, contact, now)
    second_enrollment, second = enroll(flow, other, now)

    assert effect_run(first.pk, now=now) == effect_run(second.pk, now=now) == EffectStatus.DONE

    operations = [name for name, _ in requests_since()]
    assert operations.count("CreateMarketingVoucher") == 1
    assert operations.count("AddVoucherCodes") == 2
    codes = list(VoucherCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 2 and VoucherCampaign.objects.count() == 1
    voucher = saleor_emulator.voucher_of_code(codes[0])
    assert voucher is saleor_emulator.voucher_of_code(codes[1])
    assert voucher["discountValueType"] == "FIXED"
    second_enrollment.refresh_from_db()
    assert second_enrollment.context["voucher"]["discount"] == "10 USD"


def test_an_attempt_interrupted_after_adding_the_code_reuses_it(
    saleor_emulator, installed, contact, now, requests_since, monkeypatch
):
    _, effect = enroll(voucher_flow(installed), contact, now)
    crash_after(monkeypatch, "mutations/voucher-codes-add")
    with pytest.raises(Crash):
        effect_run(effect.pk, now=now)
    monkeypatch.undo()
    assert Effect.objects.get().status == EffectStatus.RUNNING

    due = recover(effect, now)
    assert effect_run(effect.pk, now=due) == EffectStatus.DONE

    adds = [
        request
        for request in saleor_emulator.requests
        if request.operation_name == "AddVoucherCodes"
    ]
    assert len(adds) == 2 and adds[0].variables == adds[1].variables
    [error] = adds[1].response["data"]["voucherUpdate"]["errors"]
    assert error["code"] == "ALREADY_EXISTS"  # our own code: an earlier attempt added it
    row = VoucherCode.objects.get()
    assert row.status == VoucherCodeStatus.ACTIVE
    voucher = saleor_emulator.voucher_of_code(row.code)
    assert len(voucher["_codes"]) == 2  # the key code and this one, once
    assert [name for name, _ in requests_since()].count("CreateMarketingVoucher") == 1


def test_an_attempt_interrupted_after_voucher_create_finds_the_voucher_again(
    saleor_emulator, installed, contact, now, requests_since, monkeypatch
):
    _, effect = enroll(voucher_flow(installed), contact, now)
    crash_after(monkeypatch, "mutations/voucher-create")
    with pytest.raises(Crash):
        effect_run(effect.pk, now=now)
    monkeypatch.undo()
    campaign = VoucherCampaign.objects.get()
    assert campaign.saleor_voucher_id == ""
    # Created but not listed in any channel: Saleor would refuse its codes.
    problem = saleor_emulator.voucher_code_problem(campaign.key_code)
    assert problem == "the voucher is not available in channel default-channel"

    due = recover(effect, now)
    assert effect_run(effect.pk, now=due) == EffectStatus.DONE

    assert [name for name, _ in requests_since()] == [
        "CreateMarketingVoucher",
        "CreateMarketingVoucher",  # refused: ALREADY_EXISTS for the key code
        "VoucherByCode",
        "SetVoucherChannelListing",
        "AddVoucherCodes",
    ]
    assert len(saleor_emulator.store.vouchers) == 1
    campaign.refresh_from_db()
    assert campaign.saleor_voucher_id == saleor_emulator.voucher_of_code(campaign.key_code)["id"]
    assert saleor_emulator.voucher_code_problem(VoucherCode.objects.get().code) is None


def test_an_order_with_the_code_redeems_it_and_converts_the_enrollment(
    saleor_emulator, installed, contact, customer, now
):
    enrollment, effect = enroll(voucher_flow(installed), contact, now)
    assert effect_run(effect.pk, now=now) == EffectStatus.DONE
    row = VoucherCode.objects.get()

    order = saleor_emulator.order(customer, voucher_code=row.code, total=42.0)
    assert saleor_emulator.voucher_code_problem(row.code) == "the code is no longer active"
    delivery = saleor_emulator.send_event("ORDER_CREATED", order)
    assert delivery.status == 200
    inbox_process_due()

    row.refresh_from_db()
    assert row.redeemed_order_id == order["id"] and row.redeemed_at is not None
    enrollment.refresh_from_db()
    assert enrollment.converted_at is not None
    assert enrollment.conversion["order_id"] == order["id"]
    assert enrollment.conversion["voucher_code"] == row.code
    assert Decimal(enrollment.conversion["total"]) == Decimal("42")
    # A later event about the same order changes nothing.
    redeemed_at = row.redeemed_at
    mirrored = Order.objects.get(saleor_id=order["id"])
    voucher_action.voucher_redemption_record(installation=installed, order=mirrored)
    row.refresh_from_db()
    assert row.redeemed_at == redeemed_at


def test_without_manage_discounts_the_effect_fails_with_saleors_reason(
    saleor_emulator, installed, contact, now
):
    saleor_emulator.app.permissions.remove("MANAGE_DISCOUNTS")
    _, effect = enroll(voucher_flow(installed), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    effect.refresh_from_db()
    assert "MANAGE_DISCOUNTS" in effect.error
    assert VoucherCode.objects.get().status == VoucherCodeStatus.FAILED
    assert not saleor_emulator.store.vouchers


def test_an_unknown_channel_fails_before_anything_is_created(
    saleor_emulator, installed, contact, now, requests_since
):
    _, effect = enroll(voucher_flow(installed, channel="nowhere"), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    assert Effect.objects.get().error == "Saleor has no channel 'nowhere'"
    assert [name for name, _ in requests_since()] == ["ChannelBySlug"]
    assert not VoucherCode.objects.exists()


def test_a_channel_created_after_install_is_looked_up(saleor_emulator, installed, contact, now):
    saleor_emulator.channel("eu-channel", currency="EUR")
    _, effect = enroll(voucher_flow(installed, channel="eu-channel"), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    code = VoucherCode.objects.get().code
    assert saleor_emulator.voucher_code_problem(code, channel="eu-channel") is None
    assert saleor_emulator.voucher_code_problem(code) is not None  # not in default-channel


def test_a_campaign_voucher_deleted_in_saleor_is_created_again(
    saleor_emulator, installed, contact, now
):
    flow = voucher_flow(installed)
    _, first = enroll(flow, contact, now)
    assert effect_run(first.pk, now=now) == EffectStatus.DONE
    old_id = VoucherCampaign.objects.get().saleor_voucher_id
    saleor_emulator.delete_voucher(old_id)
    other = make_contact(
        installed, "bo@example.com", saleor_user_id=saleor_emulator.customer("bo@example.com")["id"]
    )
    _, second = enroll(flow, other, now)

    assert effect_run(second.pk, now=now) == EffectStatus.DONE

    campaign = VoucherCampaign.objects.get()
    assert campaign.saleor_voucher_id not in ("", old_id)
    code = VoucherCode.objects.get(effect=second).code
    assert saleor_emulator.voucher_of_code(code)["id"] == campaign.saleor_voucher_id
    assert saleor_emulator.voucher_code_problem(code) is None


def test_the_email_after_the_voucher_waits_for_it_and_shows_the_code(
    saleor_emulator, installed, contact, now
):
    from saleor_automation.flows import engine
    from saleor_automation.flows.models import Enrollment, EnrollmentStatus
    from saleor_automation.messaging.models import Message
    from saleor_automation.messaging.services import message_send

    flow = make_flow_with_voucher_email(installed)
    enrollment, effect = enroll(flow, contact, now)

    # The email node holds until the Saleor call settles: no message races the code.
    held = Enrollment.objects.get(pk=enrollment.pk)
    assert (held.current_node, held.status) == ("s1", EnrollmentStatus.WAITING)
    assert held.awaiting["kind"] == "effect.settled"
    assert not Message.objects.exists()

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE
    assert engine.enrollment_advance(enrollment.pk, now)

    message = Message.objects.get()
    message_send(message.pk, now=now)
    message.refresh_from_db()
    code = VoucherCode.objects.get().code
    assert code in message.body_html


def make_flow_with_voucher_email(installation):
    from tests.flows.db_fixtures import chain, exit_, make_flow

    mjml = (
        "<mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text>"
        "</mj-column></mj-section>{% voucher_code %}"
    )
    nodes = chain(
        ("a1", "action", {"kind": "create_voucher", **PARAMS}),
        ("s1", "send_email", {"message": {"subject": "A gift", "mjml": mjml}}),
        exit_(),
    )
    return make_flow(installation, nodes)
