"""The dry run over a known stored history: exact numbers, and nothing written."""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.services import flow_create, flow_save_draft
from saleor_automation.flows.simulation import flow_simulate
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.saleor.models import InboxEvent

from .db_fixtures import exit_, graph, installation, make_flow
from .triggers.factories import checkout, customer, order, trigger_graph

__all__ = ["installation"]

END = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def _content(subject: str, text: str) -> dict:
    mjml = f"<mj-section><mj-column><mj-text>{text}</mj-text></mj-column></mj-section>"
    return {"subject": subject, "mjml": mjml}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


def deliver(installation, event_type: str, body: dict, when: datetime) -> None:
    """Stored and processed at `when`, as the receiver and the inbox would."""
    raw = json.dumps(body)
    key = hashlib.sha256(f"{event_type}\n{raw}".encode()).hexdigest()
    with time_machine.travel(when, tick=False):
        InboxEvent.objects.create(
            installation=installation, event_type=event_type, dedupe_key=key, body=raw
        )
        inbox_process_due()


def cart(installation, number: int, email: str | None, *changes: datetime) -> None:
    for moment in changes:
        body = checkout(number=number, email=email, updated=moment)
        deliver(installation, "checkout_updated", body, moment)


def buy(installation, number: int, email: str, when: datetime, checkout_number: int) -> None:
    body = order(number=number, email=email, created=when, checkout_number=checkout_number)
    deliver(installation, "order_created", body, when)


RECOVERY = graph(
    [
        ("trigger", "trigger", {"event": "checkout_abandoned", "idle_minutes": 60}),
        ("s1", "send_email", {"message": _content("Your cart", "Come back")}),
        ("w1", "wait", {"mode": "duration", "days": 1}),
        ("s2", "send_email", {"message": _content("Still there?", "10% off")}),
        exit_(),
    ],
    [("trigger", "next", "s1"), ("s1", "next", "w1"), ("w1", "next", "s2"), ("s2", "next", "exit")],
)
SETTINGS = {"priority": 10, "quiet_hours": {"start": "21:00", "end": "08:00"}}


def all_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config(
        "saleor_automation"
    ).get_models()}  # fmt: skip


@pytest.fixture
def history(installation):
    """Six carts over two weeks (contacts in New York: the carts ship to the US)."""
    welcome = make_flow(installation, trigger_graph({"event": "customer_created"}))
    cart(installation, 1, "a@example.com", at(20, 14))  # idle at 15:00Z, 11:00 in New York
    cart(installation, 2, "b@example.com", at(22, 10), at(22, 10, 30))  # idle 07:30 NY: quiet
    cart(installation, 3, "c@example.com", at(25, 16))  # idle 17:00Z ...
    buy(installation, 1, "c@example.com", at(25, 20), checkout_number=9)  # ... bought at 20:00Z
    cart(installation, 4, "d@example.com", at(26, 9))
    buy(installation, 2, "d@example.com", at(26, 9, 30), checkout_number=4)  # before idle
    cart(installation, 5, None, at(21, 9))  # no email: nobody to remind
    cart(installation, 6, "e@example.com", END - 30 * M)  # still idle-waiting at the end
    Contact.objects.update(marketing_consent=True)
    contact_a = Contact.objects.get(email="a@example.com")
    contact_c = Contact.objects.get(email="c@example.com")
    # A real welcome enrollment of A, open meanwhile, and a real message C got that day.
    Enrollment.objects.create(
        installation=installation,
        flow=welcome,
        version_id=welcome.active_version_id,
        contact=contact_a,
        current_node="s1",
        status=EnrollmentStatus.WAITING,
        wake_at=END + 10 * H,
        created_at=at(19, 8),
    )
    Message.objects.create(
        installation=installation,
        contact=contact_c,
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address=contact_c.email,
        status=MessageStatus.SENT,
        created_at=at(25, 10),
    )
    flow = flow_create(installation=installation, name="cart recovery")
    flow_save_draft(flow=flow, graph=RECOVERY, settings=SETTINGS)
    return flow, welcome


@pytest.mark.usefixtures("history")
def test_a_draft_over_two_weeks_of_carts(history, settings):
    flow, welcome = history
    settings.FREQUENCY_CAP_MESSAGES, settings.FREQUENCY_CAP_HOURS = 1, 24
    before = all_rows()

    report = flow_simulate(flow=flow, days=14, now=END)

    assert all_rows() == before  # wrote nothing
    assert report.events_read == 7  # checkout events in the window
    assert report.triggered == 3  # a, b, c: d converted first, no email on 5, e not idle
    assert report.entries == {"entered": 3}
    assert (report.enrollments, report.holdouts, report.not_due_yet) == (3, 0, 1)
    # c's first reminder waits for the cap (a message at 10:00Z) and never goes: c bought.
    assert report.sends == {"s1": 2, "s2": 2}
    assert report.deferrals == {"quiet_hours": 1, "frequency_cap": 1}
    assert report.finished == {"exit": 2, "goal_order_placed": 1}
    assert (report.conversions, report.revenue) == (1, {"USD": Decimal("71.000")})
    assert report.overlaps == {welcome.pk: 1}


def test_without_a_cap_every_first_reminder_goes(history):
    flow, _ = history
    report = flow_simulate(flow=flow, days=14, now=END)
    assert report.sends == {"s1": 3, "s2": 2}
    assert report.deferrals == {"quiet_hours": 1}


def test_a_shorter_window_sees_less(history):
    flow, _ = history
    report = flow_simulate(flow=flow, days=7, now=END)  # from 24 June, 12:00
    assert report.entries == {"entered": 1}  # c only
    assert report.sends == {"s1": 1}


def test_event_triggers_with_an_entry_filter_and_a_holdout(installation):
    people = [("us", "US"), ("fr", "FR"), ("us2", "US"), ("de", "DE")]
    for n, (name, country) in enumerate(people):
        when = at(20 + n, 10)
        body = customer(user=100 + n, email=f"{name}@example.com", updated=when, country=country)
        deliver(installation, "customer_created", body, when)
    flow = flow_create(installation=installation, name="welcome")
    us_only = {"entry_filter": {"field": "contact.country", "op": "eq", "value": "US"}}
    flow_save_draft(flow=flow, graph=trigger_graph({"event": "customer_created"}), settings=us_only)
    report = flow_simulate(flow=flow, days=14, now=END)
    assert report.events_read == 4
    assert report.entries == {"entered": 2, "filtered": 2}
    assert report.sends == {}  # no consent in the store's metadata: skipped, not sent
    assert report.skips == {("s1", "no_consent"): 2}
    assert report.finished == {"exit": 2}


def test_a_flow_without_a_draft_cannot_be_simulated(installation):
    flow = make_flow(installation, trigger_graph({"event": "customer_created"}))
    with pytest.raises(ValueError, match="no draft"):
        flow_simulate(flow=flow, days=7, now=END)
