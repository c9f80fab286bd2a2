"""Builders for the attribution tests: a shop with a two-email flow, its messages and their
events, and Saleor order events applied the way the inbox applies them."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_automation.contacts.models import Contact, Order
from saleor_automation.flows.actions.models import VoucherCampaign, VoucherCode
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, Flow
from saleor_automation.messaging.models import Message, MessageEvent, MessageStatus
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.models import StatsCounter
from tests.flows.db_fixtures import NOW, chain, email, exit_, make_contact, make_flow, wait
from tests.flows.triggers.factories import gid, order, send

# trigger -> s1 (email) -> w1 (a day) -> s2 (email) -> exit
TWO_SENDS = chain(email("s1"), wait("w1", days=1), email("s2"), exit_())
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
BUYER = "jane.doe@example.com"  # the email of the order fixture
MUG = gid("Product", 72)  # the order fixture's lines: 37.00 of mugs, 29.00 of tees (71 in all)
TEE = gid("Product", 115)
PLACED = NOW + 3 * DAY


@dataclass
class Shop:
    installation: Installation
    flow: Flow
    contact: Contact


def make_shop(url: str = "https://shop.example.com/graphql/") -> Shop:
    installation = Installation.objects.create(saleor_api_url=url, app_id="app", token="t" * 30)
    flow = make_flow(installation, TWO_SENDS)
    return Shop(installation, flow, make_contact(installation, email=BUYER))


@pytest.fixture
def shop(db) -> Shop:
    return make_shop()


def enroll(shop: Shop, contact: Contact | None = None, **fields: Any) -> Enrollment:
    return Enrollment.objects.create(
        installation=shop.installation,
        flow=shop.flow,
        version_id=shop.flow.active_version_id,
        contact=contact or shop.contact,
        current_node="exit",
        status=EnrollmentStatus.FINISHED,
        created_at=NOW,
        **fields,
    )


def sent(enrollment: Enrollment, node_id: str = "s1", at: datetime = NOW) -> Message:
    return Message.objects.create(
        installation_id=enrollment.installation_id,
        contact_id=enrollment.contact_id,
        enrollment=enrollment,
        node_id=node_id,
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address=BUYER,
        status=MessageStatus.SENT,
        sent_at=at,
    )


def touch(message: Message, kind: str, at: datetime, **data: Any) -> MessageEvent:
    return MessageEvent.objects.create(
        installation_id=message.installation_id,
        message=message,
        kind=kind,
        occurred_at=at,
        data=data,
        dedupe_key=uuid.uuid4().hex,
    )


def clicked(message: Message, at: datetime, **data: Any) -> MessageEvent:
    return touch(message, "clicked", at, **{"url": "https://shop.example.com/", **data})


def voucher(
    enrollment: Enrollment, code: str, at: datetime = NOW, node_id: str = "v1"
) -> VoucherCode:
    """A code issued at `node_id` (a node of TWO_SENDS, or "v1": none of the graph's)."""
    campaign = VoucherCampaign.objects.create(
        installation_id=enrollment.installation_id,
        flow_id=enrollment.flow_id,
        node_id=node_id,
        terms="default-channel:percentage:10",
        ends_at=at + 30 * DAY,
        channel_slug="default-channel",
        discount_type="percentage",
        value="10",
        name="welcome",
        key_code=f"KEY{code}",
    )
    return VoucherCode.objects.create(
        installation_id=enrollment.installation_id,
        campaign=campaign,
        contact_id=enrollment.contact_id,
        enrollment=enrollment,
        flow_id=enrollment.flow_id,
        node_id=node_id,
        code=code,
        status="active",
        valid_until=at + 30 * DAY,
        created_at=at,
    )


def order_event(
    shop: Shop,
    event_type: str = "order_created",
    *,
    created: datetime = PLACED,
    issued: datetime | None = None,
    refunded: float = 0.0,
    voucher_code: str | None = None,
    **fields: Any,
) -> Order:
    """Apply an order event (order #1 unless `number` says otherwise) and return the order."""
    body = order(event_type, created=created, issued=issued or created, **fields)
    body["order"]["totalRefunded"]["amount"] = refunded
    body["order"]["voucherCode"] = voucher_code
    send(shop.installation, event_type, body)
    return Order.objects.get(installation=shop.installation, saleor_id=body["order"]["id"])


def counters(installation: Installation, *metrics: str) -> list[tuple]:
    rows = StatsCounter.objects.filter(installation=installation)
    if metrics:
        rows = rows.filter(metric__in=metrics)
    return sorted(
        rows.values_list("node_id", "day", "metric", "currency", "value"),
        key=lambda row: tuple(map(str, row)),
    )


def money(value: str) -> Decimal:
    return Decimal(value)
