"""Saleor event bodies (built from tests/fixtures/saleor/*.json) and flows for the trigger,
entry, goal, priority and simulation tests, applied the way the inbox applies them."""

import base64
import copy
import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from saleor_automation.contacts.handlers import event_apply
from saleor_automation.contacts.services import ApplyResult
from saleor_automation.flows.models import Flow
from saleor_automation.saleor import payloads
from saleor_automation.saleor.models import Installation

from ..db_fixtures import exit_, graph, make_flow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "saleor"


@cache
def _fixture(event_type: str) -> str:
    return (FIXTURES / f"{event_type}.json").read_text()


def fixture(event_type: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads(_fixture(event_type)))


def gid(kind: str, pk: object) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def iso(moment: datetime) -> str:
    return moment.isoformat()


def send(installation: Installation, event_type: str, body: dict[str, Any]) -> ApplyResult:
    """Apply one event as the inbox does (its own savepoint, the signal included)."""
    event = payloads.parse_event(event_type, json.dumps(body))
    with transaction.atomic():
        return event_apply(installation, event)


def checkout(
    *,
    number: int = 1,
    email: str | None = "jane.doe@example.com",
    updated: datetime,
    lines: int = 2,
    event_type: str = "checkout_updated",
    user_id: str | None = None,
) -> dict[str, Any]:
    body = fixture("checkout_updated")
    body["__typename"] = {"checkout_updated": "CheckoutUpdated"}.get(event_type, "CheckoutCreated")
    body["issuedAt"] = iso(updated)
    node = body["checkout"]
    node["id"] = gid("Checkout", f"c{number}")
    node["email"] = email
    node["updatedAt"] = iso(updated)
    node["lines"] = node["lines"][:lines]
    node["user"] = {"id": user_id, "email": email} if user_id else None
    return body


def order(
    event_type: str = "order_created",
    *,
    number: int = 1,
    email: str = "jane.doe@example.com",
    created: datetime,
    checkout_number: int | None = None,
    paid: bool = True,
    status: str = "UNFULFILLED",
    total: float = 71.0,
    user_id: str | None = None,
    issued: datetime | None = None,
) -> dict[str, Any]:
    body = fixture("order_created")
    body["__typename"] = payloads.EVENT_CLASSES[event_type].__name__
    body["issuedAt"] = iso(issued or created)
    node = body["order"]
    node["id"] = gid("Order", f"o{number}")
    node["number"] = str(1000 + number)
    node["created"] = iso(created)
    node["updatedAt"] = iso(issued or created)
    node["userEmail"] = email
    node["checkoutId"] = gid("Checkout", f"c{checkout_number}") if checkout_number else None
    node["isPaid"] = paid
    node["chargeStatus"] = "FULL" if paid else "NONE"
    node["status"] = status
    node["total"]["gross"]["amount"] = total
    node["user"] = {"id": user_id, "email": email} if user_id else None
    return body


def customer(
    event_type: str = "customer_created",
    *,
    user: int = 42,
    email: str = "jane.doe@example.com",
    updated: datetime,
    metadata: dict[str, str] | None = None,
    country: str | None = None,
    is_staff: bool = False,
) -> dict[str, Any]:
    body = fixture("customer_updated")
    body["__typename"] = payloads.EVENT_CLASSES[event_type].__name__
    body["issuedAt"] = iso(updated)
    node = body["user"]
    node["id"] = gid("User", user)
    node["email"] = email
    node["updatedAt"] = iso(updated)
    node["isStaff"] = is_staff
    node["metadata"] = [{"key": k, "value": v} for k, v in (metadata or {}).items()]
    if country is None:
        node["defaultShippingAddress"] = node["defaultBillingAddress"] = None
    else:
        node["defaultShippingAddress"]["country"]["code"] = country
        node["defaultBillingAddress"]["country"]["code"] = country
    return body


def trigger_graph(trigger: dict[str, Any], *, marketing: bool = True) -> dict[str, Any]:
    """trigger -> send_email -> exit."""
    message = {
        "subject": "Hi {{ first_name }}",
        "mjml": "<mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section>",
    }
    nodes = [
        ("trigger", "trigger", trigger),
        ("s1", "send_email", {"message": message, "marketing": marketing}),
        exit_(),
    ]
    return graph(nodes, [("trigger", "next", "s1"), ("s1", "next", "exit")])


def trigger_flow(
    installation: Installation,
    event: str,
    settings: dict[str, Any] | None = None,
    *,
    marketing: bool = True,
    **params: Any,
) -> Flow:
    return make_flow(
        installation, trigger_graph({"event": event, **params}, marketing=marketing), settings
    )


def abandon(
    installation: Installation,
    *,
    at: datetime,
    number: int = 1,
    email: str = "jane.doe@example.com",
    idle_minutes: int = 30,
):
    """One checkout change at `at`, then the pending run once it is idle: the checkout's
    abandonment enrollment(s)."""
    import time_machine

    from saleor_automation.flows.models import Enrollment
    from saleor_automation.flows.triggers.pending import pending_entries_run

    with time_machine.travel(at, tick=False):
        send(installation, "checkout_updated", checkout(number=number, email=email, updated=at))
    pending_entries_run(now=at + timedelta(minutes=idle_minutes))
    return Enrollment.objects.filter(entry_key=gid("Checkout", f"c{number}")).first()
