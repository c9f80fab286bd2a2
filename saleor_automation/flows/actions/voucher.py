"""create_voucher: a single-use code for one contact, and its redemption (PROTOCOL.md §6).

    voucher_code_generate() -> str
    validity_end(now, valid_days, zone_name) -> datetime
    run(effect, now) -> None
    voucher_redemption_record(*, installation, order, now=None) -> VoucherCode | None
    order_event_vouchers_apply(*, installation, event) -> None

Saleor cannot restrict a voucher to a customer, and keeps one endDate per voucher, none per
code. So each voucher node hands out codes from campaign vouchers (singleUse, once per
customer, ENTIRE_ORDER), one per day on which validity ends: a code given on June 1st with
valid_days 7 goes into the voucher that ends on June 8th at 23:59:59 in the store's time zone,
and Saleor itself refuses it after that. A code is therefore valid for valid_days and the
rest of the last day. The voucher is created once (voucherCreate + its channel listing,
without which no code works), then each contact's code is added with voucherUpdate(addCodes).

Every step is idempotent, so an interrupted or failed attempt is simply made again:
- the code row is committed before Saleor is called, keyed by the effect: a retry reuses it;
- the campaign row (unique per flow, node, terms and end) is committed with a `key_code`
  before voucherCreate, which creates the voucher with that code: a repeated voucherCreate
  is refused with ALREADY_EXISTS and the voucher is found by searching for the key code;
- a channel listing is an upsert in Saleor;
- addCodes with our own code answered ALREADY_EXISTS means an earlier attempt added it.
A campaign voucher deleted in Saleor is created again.

The code, its end of validity and the discount go into the enrollment's context under
"voucher", for the messages that follow.
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ...contacts.models import Order
from ...saleor import payloads
from ...saleor.models import Installation
from ..goals import NOT_PLACED_STATUSES
from ..models import Effect, Flow
from ..nodes.action import DiscountType
from ..policy import installation_policy
from ..services import enrollment_context_update, enrollment_convert
from .base import ActionFailed, ActionRetry, errors_text, payload_errors, saleor_execute
from .models import VoucherCampaign, VoucherCode, VoucherCodeStatus

CODE_PREFIX = "SA-"
# Upper-case letters and digits without the look-alikes 0/O and 1/I: 32 symbols, so 12 of
# them carry 60 random bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CONTEXT_KEY = "voucher"
_VALUE_TYPES = {DiscountType.PERCENT: "PERCENTAGE", DiscountType.FIXED: "FIXED"}


class _VoucherGone(Exception):
    """Saleor no longer has the campaign voucher (deleted in the dashboard)."""

    def __init__(self, voucher_id: str) -> None:
        super().__init__(voucher_id)
        self.voucher_id = voucher_id


def voucher_code_generate() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def validity_end(now: datetime, valid_days: int, zone_name: str) -> datetime:
    """The last second of the day `valid_days` after `now`, in the store's zone, as UTC."""
    zone = ZoneInfo(zone_name)
    last_day = (now.astimezone(zone) + timedelta(days=valid_days)).date()
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def _channel(installation: Installation, slug: str) -> dict[str, Any]:
    for channel in installation.channels or []:
        if channel.get("slug") == slug:
            return channel
    # Installation.channels is read at install time; the channel may be newer.
    data = saleor_execute(installation, "queries/channel-by-slug", {"slug": slug})
    if not data.get("channel"):
        raise ActionFailed(f"Saleor has no channel {slug!r}")
    return data["channel"]


def _discount_text(params: dict[str, Any], currency: str) -> str:
    value = f"{Decimal(params['value']).normalize():f}"
    return f"{value}%" if params["discount_type"] == DiscountType.PERCENT else f"{value} {currency}"


def _code_row(effect: Effect, now: datetime) -> VoucherCode:
    """This effect's code, recorded (with its campaign) before anything is sent to Saleor."""
    existing = VoucherCode.objects.select_related("campaign").filter(effect=effect).first()
    if existing is not None:
        return existing
    params = effect.params
    enrollment = effect.enrollment
    zone_name = installation_policy(effect.installation).timezone
    ends_at = validity_end(now, int(params["valid_days"]), zone_name)
    flow_name = Flow.objects.filter(pk=enrollment.flow_id).values_list("name", flat=True).first()
    local_end = ends_at.astimezone(ZoneInfo(zone_name)).date().isoformat()
    with transaction.atomic():
        campaign, _ = VoucherCampaign.objects.get_or_create(
            installation=effect.installation,
            flow_id=enrollment.flow_id,
            node_id=effect.node_id,
            terms=f"{params['channel']}|{params['discount_type']}|{params['value']}",
            ends_at=ends_at,
            defaults={
                "channel_slug": params["channel"],
                "discount_type": params["discount_type"],
                "value": params["value"],
                "name": f"automation: {(flow_name or '')[:150]} {effect.node_id} until {local_end}",
                "key_code": voucher_code_generate(),
                "created_at": now,
            },
        )
        row, _ = VoucherCode.objects.select_related("campaign").get_or_create(
            effect=effect,
            defaults={
                "installation": effect.installation,
                "campaign": campaign,
                "contact_id": enrollment.contact_id,
                "enrollment": enrollment,
                "flow_id": enrollment.flow_id,
                "node_id": effect.node_id,
                "code": voucher_code_generate(),
                "valid_until": ends_at,
                "created_at": now,
            },
        )
    return row


def _voucher_find(installation: Installation, code: str) -> str:
    data = saleor_execute(installation, "queries/voucher-by-code", {"code": code})
    edges = (data.get("vouchers") or {}).get("edges") or []
    if not edges:
        raise ActionFailed(f"Saleor reports code {code} as taken, but no voucher holds it")
    return edges[0]["node"]["id"]


def _already_exists(errors: list[dict[str, Any]], code: str) -> bool:
    return all(
        error.get("code") == "ALREADY_EXISTS" and code in (error.get("voucherCodes") or [])
        for error in errors
    )


def _campaign_voucher(installation: Installation, campaign: VoucherCampaign) -> str:
    if campaign.saleor_voucher_id:
        return campaign.saleor_voucher_id
    params = {
        "name": campaign.name,
        "type": "ENTIRE_ORDER",
        "discountValueType": _VALUE_TYPES[campaign.discount_type],
        "singleUse": True,
        "applyOncePerCustomer": True,
        "applyOncePerOrder": False,
        "onlyForStaff": False,
        "endDate": campaign.ends_at.isoformat(),
        "addCodes": [campaign.key_code],
    }
    data = saleor_execute(installation, "mutations/voucher-create", {"input": params})
    errors = payload_errors(data, "voucherCreate")
    if not errors:
        voucher_id = data["voucherCreate"]["voucher"]["id"]
    elif _already_exists(errors, campaign.key_code):
        voucher_id = _voucher_find(installation, campaign.key_code)  # an earlier attempt
    else:
        raise ActionFailed(errors_text("voucherCreate", errors))
    VoucherCampaign.objects.filter(pk=campaign.pk, saleor_voucher_id="").update(
        saleor_voucher_id=voucher_id
    )
    campaign.refresh_from_db(fields=["saleor_voucher_id"])
    return campaign.saleor_voucher_id


def _gone(errors: list[dict[str, Any]]) -> bool:
    return any(e.get("code") == "NOT_FOUND" and e.get("field") == "id" for e in errors)


def _campaign_listing(
    installation: Installation, campaign: VoucherCampaign, channel_id: str, now: datetime
) -> None:
    if campaign.listed_at is not None:
        return
    variables = {
        "voucherId": campaign.saleor_voucher_id,
        "channelId": channel_id,
        "value": campaign.value,
    }
    data = saleor_execute(installation, "mutations/voucher-channel-listing-update", variables)
    errors = payload_errors(data, "voucherChannelListingUpdate")
    if _gone(errors):
        raise _VoucherGone(campaign.saleor_voucher_id)
    if errors:
        raise ActionFailed(errors_text("voucherChannelListingUpdate", errors))
    VoucherCampaign.objects.filter(pk=campaign.pk).update(listed_at=now)
    campaign.listed_at = now


def _code_add(installation: Installation, row: VoucherCode, now: datetime) -> None:
    voucher_id = row.campaign.saleor_voucher_id
    if row.status == VoucherCodeStatus.ACTIVE and row.saleor_voucher_id == voucher_id:
        return
    variables = {"voucherId": voucher_id, "codes": [row.code]}
    data = saleor_execute(installation, "mutations/voucher-codes-add", variables)
    errors = payload_errors(data, "voucherUpdate")
    if _gone(errors):
        raise _VoucherGone(voucher_id)
    if errors and not _already_exists(errors, row.code):
        raise ActionFailed(errors_text("voucherUpdate", errors))
    row.status, row.saleor_voucher_id, row.added_at = VoucherCodeStatus.ACTIVE, voucher_id, now
    row.save(update_fields=["status", "saleor_voucher_id", "added_at"])


def _campaign_reset(campaign: VoucherCampaign, voucher_id: str) -> None:
    """Forget a voucher Saleor no longer has; the next step creates it again. Conditional, so
    a voucher another worker already recreated is kept."""
    VoucherCampaign.objects.filter(pk=campaign.pk, saleor_voucher_id=voucher_id).update(
        saleor_voucher_id="", listed_at=None
    )
    campaign.refresh_from_db(fields=["saleor_voucher_id", "listed_at"])


def run(effect: Effect, now: datetime) -> None:
    installation = effect.installation
    channel = _channel(installation, effect.params["channel"])
    row = _code_row(effect, now)
    try:
        for _ in range(2):
            try:
                _campaign_voucher(installation, row.campaign)
                _campaign_listing(installation, row.campaign, channel["id"], now)
                _code_add(installation, row, now)
                break
            except _VoucherGone as gone:
                _campaign_reset(row.campaign, gone.voucher_id)
        else:
            raise ActionRetry("the campaign voucher keeps disappearing from Saleor")
    except ActionFailed:
        VoucherCode.objects.filter(pk=row.pk, status=VoucherCodeStatus.PENDING).update(
            status=VoucherCodeStatus.FAILED
        )
        raise
    enrollment_context_update(
        enrollment_id=row.enrollment_id,
        values={
            CONTEXT_KEY: {
                "code": row.code,
                "valid_until": row.valid_until.isoformat(),
                "discount": _discount_text(effect.params, channel.get("currencyCode") or ""),
            }
        },
    )


def voucher_redemption_record(
    *, installation: Installation, order: Order, now: datetime | None = None
) -> VoucherCode | None:
    """Mark the code an order used as redeemed, and count the order as a conversion of the
    enrollment that handed the code out. Returns the code row (None when the order used no
    code of ours); safe to call for every event about the order."""
    code = (order.voucher_code or "").strip().upper()
    if not code or order.status in NOT_PLACED_STATUSES:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            VoucherCode.objects.select_for_update()
            .select_related("enrollment")
            .filter(installation=installation, code=code)
            .first()
        )
        if row is None or row.redeemed_at is not None:
            return row
        row.redeemed_at = order.saleor_created_at or now
        row.redeemed_order_id = order.saleor_id
        row.save(update_fields=["redeemed_at", "redeemed_order_id"])
        conversion = {
            "order_id": order.saleor_id,
            "number": order.number,
            "total": str(order.total_gross),
            "currency": order.currency,
            "voucher_code": row.code,
        }
        enrollment_convert(enrollment=row.enrollment, conversion=conversion, now=now)
    return row


def order_event_vouchers_apply(*, installation: Installation, event: payloads.Event) -> None:
    """An applied order event: record the redemption of the code its order carries."""
    if not isinstance(event, payloads.OrderEvent) or event.order is None:
        return
    if not event.order.voucher_code:
        return
    order = Order.objects.filter(installation=installation, saleor_id=event.order.id).first()
    if order is not None:
        voucher_redemption_record(installation=installation, order=order)
