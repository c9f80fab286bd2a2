"""Event triggers: each kind fires once for its event, and not for backfill, a redelivered
event or staff."""

import json
from datetime import timedelta

import pytest

from saleor_automation.contacts.models import Contact, StaffUser
from saleor_automation.contacts.services import backfill_node_apply
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.nodes.trigger import TriggerEvent, TriggerParams
from saleor_automation.flows.triggers.events import TriggerHit, event_hits, hit_accepts
from saleor_automation.saleor import payloads

from ..db_fixtures import NOW, installation
from .factories import customer, fixture, gid, order, send, trigger_flow

__all__ = ["installation"]

LATER = NOW + timedelta(days=1)


def keys(flow) -> list[str]:
    return list(Enrollment.objects.filter(flow=flow).values_list("entry_key", flat=True))


def test_customer_created_fires_once_and_not_again_when_redelivered(installation):
    flow = trigger_flow(installation, "customer_created")
    body = customer(updated=LATER)
    send(installation, "customer_created", body)
    send(installation, "customer_created", body)
    enrollment = Enrollment.objects.get(flow=flow)
    assert enrollment.entry_key == gid("User", 42)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.contact.email == "jane.doe@example.com"


def test_customer_updated_starts_no_customer_created_flow(installation):
    flow = trigger_flow(installation, "customer_created")
    send(installation, "customer_updated", customer("customer_updated", updated=LATER))
    assert keys(flow) == []


def test_backfilled_customers_and_orders_start_nothing(installation):
    flows = [
        trigger_flow(installation, "customer_created"),
        trigger_flow(installation, "order_paid"),
    ]
    backfill_node_apply(installation, "customer", customer(updated=LATER)["user"])
    backfill_node_apply(installation, "order", order(created=LATER)["order"])
    assert Contact.objects.count() == 1
    assert not Enrollment.objects.filter(flow__in=flows).exists()


def test_staff_start_nothing(installation):
    flows = [
        trigger_flow(installation, "customer_created"),
        trigger_flow(installation, "order_paid"),
    ]
    send(installation, "customer_created", customer(updated=LATER, is_staff=True))
    assert StaffUser.objects.count() == 1
    staff_order = order(created=LATER, user_id=gid("User", 42))
    send(installation, "order_created", staff_order)
    assert not Contact.objects.exists()
    assert not Enrollment.objects.filter(flow__in=flows).exists()


def test_account_confirmed_fires_for_its_event_only(installation):
    flow = trigger_flow(installation, "account_confirmed")
    send(installation, "customer_created", customer(updated=LATER))
    assert keys(flow) == []
    confirmed = customer("account_confirmed", updated=LATER + timedelta(minutes=5))
    send(installation, "account_confirmed", confirmed)
    send(installation, "account_confirmed", confirmed)
    assert keys(flow) == [gid("User", 42)]


def test_order_paid_fires_once_across_created_paid_and_fully_paid(installation):
    flow = trigger_flow(installation, "order_paid")
    for event_type in ("order_created", "order_paid", "order_fully_paid"):
        send(installation, event_type, order(event_type, created=LATER))
    enrollment = Enrollment.objects.get(flow=flow)
    assert enrollment.entry_key == gid("Order", "o1")
    assert enrollment.context["order"]["total"] == "71.000"
    assert enrollment.context["order"]["lines_count"] == 2


def test_an_unpaid_order_is_not_order_paid_until_it_is(installation):
    flow = trigger_flow(installation, "order_paid")
    send(installation, "order_created", order(created=LATER, paid=False))
    assert keys(flow) == []
    paid = order("order_paid", created=LATER, issued=LATER + timedelta(hours=2))
    send(installation, "order_paid", paid)
    assert keys(flow) == [gid("Order", "o1")]


def test_first_order_only_and_repeat_order(installation):
    first_only = trigger_flow(installation, "order_paid", first_order_only=True)
    always = {"reentry": "always"}
    every = trigger_flow(installation, "order_paid", always)
    repeat = trigger_flow(installation, "repeat_order", always)
    send(installation, "order_created", order(number=1, created=LATER))
    send(installation, "order_created", order(number=2, created=LATER + timedelta(days=3)))
    assert keys(first_only) == [gid("Order", "o1")]
    assert sorted(keys(every)) == sorted([gid("Order", "o1"), gid("Order", "o2")])
    assert keys(repeat) == [gid("Order", "o2")]


def test_a_cancelled_order_is_not_a_first_order(installation):
    first_only = trigger_flow(installation, "order_paid", first_order_only=True)
    once = trigger_flow(installation, "order_paid")
    send(installation, "order_created", order(number=1, created=LATER, status="CANCELED"))
    send(installation, "order_created", order(number=2, created=LATER + timedelta(days=1)))
    assert keys(first_only) == [gid("Order", "o2")]
    assert keys(once) == [gid("Order", "o2")]  # re-entry "once": a cancelled order is none


def test_order_fulfilled_fires_once(installation):
    flow = trigger_flow(installation, "order_fulfilled")
    send(installation, "order_created", order(created=LATER))
    assert keys(flow) == []
    fulfilled = order(
        "order_fulfilled", created=LATER, status="FULFILLED", issued=LATER + timedelta(days=1)
    )
    send(installation, "order_fulfilled", fulfilled)
    send(installation, "order_fulfilled", fulfilled)
    assert keys(flow) == [gid("Order", "o1")]


def test_metadata_change_fires_when_the_value_is_granted(installation):
    granted = trigger_flow(
        installation, "customer_metadata_changed", key="marketing_consent", value="true"
    )
    any_change = trigger_flow(installation, "customer_metadata_changed", key="tier")
    send(installation, "customer_created", customer(updated=LATER))
    step = LATER + timedelta(hours=1)
    no = customer("customer_updated", updated=step, metadata={"marketing_consent": "no"})
    send(installation, "customer_updated", no)
    assert keys(granted) == []
    consent = {"marketing_consent": "true"}
    yes = customer("customer_updated", updated=step + timedelta(hours=1), metadata=consent)
    send(installation, "customer_updated", yes)
    send(installation, "customer_updated", yes)  # the same payload again changes nothing
    enrollment = Enrollment.objects.get(flow=granted)
    assert enrollment.entry_key.startswith("marketing_consent@")
    assert enrollment.context["metadata"] == {
        "key": "marketing_consent",
        "value": "true",
        "previous": "no",
    }
    assert keys(any_change) == []


def test_sign_up_with_consent_counts_as_granting_it(installation):
    granted = trigger_flow(
        installation, "customer_metadata_changed", key="marketing_consent", value="true"
    )
    body = customer(updated=LATER, metadata={"marketing_consent": "true"})
    send(installation, "customer_created", body)
    assert len(keys(granted)) == 1


def test_first_sight_of_a_customer_is_not_a_change(installation):
    """Consent held before the app saw this customer may be years old."""
    granted = trigger_flow(installation, "customer_metadata_changed", key="marketing_consent")
    body = customer("customer_updated", updated=LATER, metadata={"marketing_consent": "true"})
    send(installation, "customer_updated", body)
    assert keys(granted) == []


def test_a_stale_customer_payload_changes_no_metadata(installation):
    flow = trigger_flow(installation, "customer_metadata_changed", key="tier")
    send(installation, "customer_created", customer(updated=LATER, metadata={"tier": "gold"}))
    old = customer("customer_updated", updated=LATER - timedelta(hours=1), metadata={"tier": "x"})
    send(installation, "customer_updated", old)
    assert len(keys(flow)) == 1  # gold at sign-up; the stale "x" is not a change


@pytest.mark.parametrize(
    ("params", "hit", "accepted"),
    [
        (TriggerParams("order_paid"), TriggerHit("order_paid", "o", first_order=False), True),
        (TriggerParams("order_paid", first_order_only=True), TriggerHit("order_paid", "o"), False),
        (TriggerParams("repeat_order"), TriggerHit("order_paid", "o"), False),
        (
            TriggerParams("customer_metadata_changed", key="k", value="Yes"),
            TriggerHit("customer_metadata_changed", "t", changes={"k": (None, " yes")}),
            True,
        ),
        (
            TriggerParams("customer_metadata_changed", key="k", value="yes"),
            TriggerHit("customer_metadata_changed", "t", changes={"k": ("yes", None)}),
            False,
        ),
        (
            TriggerParams("customer_metadata_changed", key="k"),
            TriggerHit("customer_metadata_changed", "t", changes={"other": (None, "1")}),
            False,
        ),
    ],
)
def test_hit_accepts(params, hit, accepted):
    assert hit_accepts(params, hit) is accepted


def test_event_hits_of_a_paid_order_created():
    event = payloads.parse_event("order_created", json_body(order(created=LATER)))
    assert [hit.event for hit in event_hits(event, first_order=True)] == [TriggerEvent.ORDER_PAID]
    assert [hit.event for hit in event_hits(event, first_order=False)] == [
        TriggerEvent.ORDER_PAID,
        TriggerEvent.REPEAT_ORDER,
    ]
    assert event_hits(event, first_order=None) == []  # not a counted order


def json_body(body) -> str:
    return json.dumps(body)


def test_checkout_events_are_not_instant_triggers():
    event = payloads.parse_event("checkout_updated", json_body(fixture("checkout_updated")))
    assert event_hits(event) == []
