"""The entry gate: active range, entry filters (location included), re-entry policies and
holdout assignment."""

from datetime import timedelta

import pytest
import time_machine

from saleor_automation.flows.assignment import in_holdout
from saleor_automation.flows.definition import parse_settings
from saleor_automation.flows.entry import (
    EntryHistory,
    EntryReason,
    entry_decide,
    flow_entry_attempt,
    holdout_key,
)
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.triggers.common import trigger_flows

from .builders import NOW, contact
from .db_fixtures import installation, make_contact
from .triggers.factories import customer, send, trigger_flow

__all__ = ["installation"]

DAY = timedelta(days=1)
PARIS = {"country": "FR", "city": "Paris", "postal_code": "75011"}
LOCATION = {
    "all": [
        {"field": "contact.country", "op": "in", "value": ["FR", "BE"]},
        {"field": "contact.city", "op": "eq", "value": "paris"},
        {"field": "contact.postal_code", "op": "starts_with", "value": ["75", "92"]},
    ]
}


def decide(settings=None, history=None, person=None, now=NOW, context=None):
    return entry_decide(
        settings=parse_settings(settings or {}),
        flow_id=5,
        contact=person or contact(**PARIS),
        context=context or {},
        now=now,
        history=history or EntryHistory(),
    ).reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (PARIS, EntryReason.ENTERED),
        ({**PARIS, "country": "DE"}, EntryReason.FILTERED),
        ({**PARIS, "city": "Lyon"}, EntryReason.FILTERED),
        ({**PARIS, "postal_code": "69001"}, EntryReason.FILTERED),
        ({**PARIS, "postal_code": "92100"}, EntryReason.ENTERED),
        ({**PARIS, "postal_code": ""}, EntryReason.FILTERED),
    ],
)
def test_entry_filter_on_location(fields, reason):
    assert decide({"entry_filter": LOCATION}, person=contact(**fields)) == reason


def test_entry_filter_on_order_facts_and_context():
    vip = {"field": "contact.spend.EUR", "op": "gte", "value": 500}
    big_cart = {"field": "context.checkout.total", "op": "gt", "value": 100}
    settings = {"entry_filter": {"all": [vip, big_cart]}}
    rich = contact(spend={"EUR": 800})
    assert decide(settings, person=rich, context={"checkout": {"total": "150.00"}}) == "entered"
    assert decide(settings, person=rich, context={"checkout": {"total": "50"}}) == "filtered"
    assert decide(settings, context={"checkout": {"total": "150"}}) == "filtered"


def test_active_date_range():
    settings = {
        "active_from": (NOW - DAY).isoformat(),
        "active_until": (NOW + DAY).isoformat(),
    }
    assert decide(settings, now=NOW - DAY - timedelta(seconds=1)) == EntryReason.NOT_ACTIVE
    assert decide(settings, now=NOW - DAY) == EntryReason.ENTERED
    assert decide(settings, now=NOW + DAY) == EntryReason.NOT_ACTIVE


@pytest.mark.parametrize(
    ("settings", "last_entry", "reason"),
    [
        ({}, None, EntryReason.ENTERED),
        ({}, NOW - 400 * DAY, EntryReason.REENTRY),
        ({"reentry": "once_per_days", "reentry_days": 30}, NOW - 29 * DAY, EntryReason.REENTRY),
        ({"reentry": "once_per_days", "reentry_days": 30}, NOW - 30 * DAY, EntryReason.ENTERED),
        ({"reentry": "always"}, NOW - timedelta(minutes=1), EntryReason.ENTERED),
    ],
)
def test_reentry_policies(settings, last_entry, reason):
    assert decide(settings, EntryHistory(last_entry_at=last_entry)) == reason


def test_the_same_entry_key_never_enters_twice_whatever_the_policy():
    history = EntryHistory(last_entry_at=NOW - 90 * DAY, key_entered=True)
    assert decide({"reentry": "always"}, history) == EntryReason.DUPLICATE


def test_priority_defers_before_holdout_is_drawn():
    history = EntryHistory(blocker=3)
    assert decide({"holdout_percent": 50}, history) == EntryReason.DEFERRED


def test_holdout_is_deterministic_and_takes_the_right_share():
    settings = parse_settings({"holdout_percent": 10})
    decisions = [
        entry_decide(
            settings=settings,
            flow_id=5,
            contact=contact(id=contact_id),
            context={},
            now=NOW,
            history=EntryHistory(),
        )
        for contact_id in range(1, 10_001)
    ]
    held = [d for d in decisions if d.holdout]
    assert 900 <= len(held) <= 1100
    assert all(in_holdout(holdout_key(5, i + 1), 10) == d.holdout for i, d in enumerate(decisions))
    # The same contact, another day: the same side.
    again = entry_decide(
        settings=settings,
        flow_id=5,
        contact=contact(id=1),
        context={},
        now=NOW + 30 * DAY,
        history=EntryHistory(),
    )
    assert again.holdout == decisions[0].holdout


def test_a_holdout_is_recorded_and_receives_nothing(installation):
    flow = trigger_flow(installation, "customer_created", {"holdout_percent": 50})
    target = trigger_flows(installation, {"customer_created"})[0]
    people = [make_contact(installation, n) for n in range(1, 21)]
    reasons = [
        flow_entry_attempt(
            target=target, contact=p, entry_key="k", context={}, now=NOW
        ).decision.reason
        for p in people
    ]
    held = Enrollment.objects.filter(flow=flow, holdout=True)
    assert reasons.count("holdout") == held.count() > 0
    assert reasons.count("entered") == 20 - held.count()
    assert set(held.values_list("status", "finish_reason")) == {
        (EnrollmentStatus.FINISHED, "holdout")
    }
    assert all(
        in_holdout(holdout_key(flow.pk, row.contact_id), 50) for row in held.only("contact_id")
    )


def test_location_filter_on_real_events(installation):
    flow = trigger_flow(
        installation,
        "customer_created",
        {"entry_filter": {"field": "contact.country", "op": "eq", "value": "US"}},
    )
    at = NOW + DAY
    with time_machine.travel(at, tick=False):
        send(installation, "customer_created", customer(updated=at, country="US"))
        other = customer(user=43, email="fr@example.com", updated=at, country="FR")
        send(installation, "customer_created", other)
    assert list(Enrollment.objects.filter(flow=flow).values_list("contact__email", flat=True)) == [
        "jane.doe@example.com"
    ]


def test_once_per_days_on_real_events(installation):
    from .triggers.factories import order

    flow = trigger_flow(installation, "order_paid", {"reentry": "once_per_days", "reentry_days": 7})
    for number, day in ((1, 1), (2, 3), (3, 9)):
        at = NOW + day * DAY
        with time_machine.travel(at, tick=False):
            send(installation, "order_created", order(number=number, created=at))
    keys = sorted(Enrollment.objects.filter(flow=flow).values_list("created_at", flat=True))
    assert keys == [NOW + DAY, NOW + 9 * DAY]
