"""Double opt-in in flows: the store's setting, contact.needs_opt_in, and the
consent_confirmed wait that a confirmation link wakes."""

from datetime import timedelta

import pytest

from saleor_automation.flows import engine
from saleor_automation.flows.decisions import AwaitEvent, Goto
from saleor_automation.flows.definition import validate_graph
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.nodes import wait
from saleor_automation.flows.policy import installation_policy
from saleor_automation.flows.predicates import evaluate_predicate, validate_predicate
from saleor_automation.flows.selectors import contact_views
from saleor_automation.messaging.confirm.services import consent_confirm
from saleor_automation.messaging.models import Message
from tests.messaging.sent_messages import sent_message

from .builders import NOW, contact, context, node
from .db_fixtures import TRIGGER, email, exit_, graph, make_contact, make_flow, make_installation

UNTIL_CONFIRMED = {"mode": "until_event", "event": "consent_confirmed", "timeout_days": 7}
NEEDS_OPT_IN = {"field": "contact.needs_opt_in", "op": "eq", "value": True}


# The wait and the predicate (pure)


@pytest.mark.parametrize(
    ("consent", "entered", "expected"),
    [
        (True, NOW, Goto("event")),
        (None, NOW, AwaitEvent(kind="consent.confirmed", until=NOW + timedelta(days=7))),
        (False, NOW, AwaitEvent(kind="consent.confirmed", until=NOW + timedelta(days=7))),
        (None, NOW - timedelta(days=7), Goto("timeout")),
    ],
)
def test_consent_confirmed_wait(consent, entered, expected) -> None:
    ctx = context(node_entered_at=entered, contact=contact(marketing_consent=consent))
    assert wait.evaluate(node("wait", UNTIL_CONFIRMED), ctx, NOW) == expected


def test_consent_confirmed_wait_needs_a_timeout_and_no_node() -> None:
    def issues(params):
        nodes = [TRIGGER, ("w", "wait", params), ("e", "exit", {})]
        edges = [("trigger", "next", "w"), ("w", "event", "e"), ("w", "timeout", "e")]
        return [issue.field for issue in validate_graph(graph(nodes, edges))]

    assert issues(UNTIL_CONFIRMED) == []
    assert issues({**UNTIL_CONFIRMED, "timeout_days": 0}) != []
    assert issues({**UNTIL_CONFIRMED, "node": "e"}) != []


def test_needs_opt_in_is_a_boolean_contact_field() -> None:
    assert validate_predicate(NEEDS_OPT_IN) == []
    assert validate_predicate(NEEDS_OPT_IN, roots={"contact"}) == []
    assert validate_predicate({**NEEDS_OPT_IN, "value": "yes"}) != []
    assert validate_predicate({**NEEDS_OPT_IN, "op": "gt"}) != []
    assert evaluate_predicate(NEEDS_OPT_IN, contact(needs_opt_in=True), NOW) is True
    assert evaluate_predicate(NEEDS_OPT_IN, contact(), NOW) is False


# The store's setting (database)


@pytest.mark.django_db
def test_double_opt_in_falls_back_to_the_deployment_and_stops_assuming_consent(settings):
    settings.ASSUME_MARKETING_CONSENT = True
    settings.DOUBLE_OPT_IN = False
    installation = make_installation()
    policy = installation_policy(installation)
    assert (policy.double_opt_in, policy.assume_consent) == (False, True)

    settings.DOUBLE_OPT_IN = True
    policy = installation_policy(installation)
    # Only a confirmed yes counts: an unknown consent cannot be assumed.
    assert (policy.double_opt_in, policy.assume_consent) == (True, False)

    installation.double_opt_in = False  # the store's own choice wins
    assert installation_policy(installation).double_opt_in is False


@pytest.mark.django_db
def test_contact_views_say_who_needs_to_confirm(settings):
    settings.ASSUME_MARKETING_CONSENT = True
    asks = make_installation("https://asks.example.com/graphql/")
    asks.double_opt_in = True
    asks.save()
    trusts = make_installation("https://trusts.example.com/graphql/")
    unknown = make_contact(asks, 1, marketing_consent=None)
    declined = make_contact(asks, 2, marketing_consent=False)
    consented = make_contact(asks, 3, marketing_consent=True)
    elsewhere = make_contact(trusts, 4, marketing_consent=None)

    views = {
        pk: r.view
        for pk, r in contact_views(
            [c.pk for c in (unknown, declined, consented, elsewhere)]
        ).items()
    }

    assert (views[unknown.pk].needs_opt_in, views[unknown.pk].marketing_consent) == (True, False)
    assert views[declined.pk].needs_opt_in is False  # a no is not asked again
    assert (views[consented.pk].needs_opt_in, views[consented.pk].marketing_consent) == (
        False,
        True,
    )
    # The other store does not ask, and assumes consent as the deployment says.
    assert (views[elsewhere.pk].needs_opt_in, views[elsewhere.pk].marketing_consent) == (
        False,
        True,
    )


# A confirmation wakes the wait (database, through the messaging signal)


@pytest.mark.django_db
def test_a_confirmation_wakes_the_enrollment_waiting_for_it():
    installation = make_installation()
    installation.double_opt_in = True
    installation.save()
    person = make_contact(installation, marketing_consent=None)
    nodes = [TRIGGER, ("w", "wait", UNTIL_CONFIRMED), email("s1"), exit_(), exit_("gave_up")]
    edges = [
        ("trigger", "next", "w"),
        ("w", "event", "s1"),
        ("w", "timeout", "gave_up"),
        ("s1", "next", "exit"),
    ]
    flow = make_flow(installation, graph(nodes, edges))
    flow.refresh_from_db()
    enrollment = Enrollment.objects.create(
        installation=installation,
        flow=flow,
        version=flow.active_version,
        contact=person,
        entry_key="k",
        current_node="trigger",
        node_entered_at=NOW,
        wake_at=NOW,
    )
    engine.enrollments_advance_due(now=NOW, limit=10)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.WAITING, "w")
    assert enrollment.wake_at == NOW + timedelta(days=7)

    confirmation_email = sent_message(person, node_id="confirm", marketing=False)
    later = NOW + timedelta(hours=5)
    assert consent_confirm(confirmation_email, now=later) is not None
    enrollment.refresh_from_db()
    person.refresh_from_db()
    assert enrollment.wake_at == later
    assert (person.marketing_consent, person.consent_confirmed_at) == (True, later)

    engine.enrollments_advance_due(now=later, limit=10)
    assert Message.objects.filter(node_id="s1", contact=person).count() == 1
    # A second use of the link changes nothing.
    assert consent_confirm(confirmation_email, now=later + timedelta(hours=1)) is None
    person.refresh_from_db()
    assert person.consent_confirmed_at == later
