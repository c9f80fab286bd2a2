"""Each installation's own time zone, frequency cap and consent default, over the
deployment defaults, in one engine batch."""

from datetime import timedelta

import pytest

from saleor_automation.flows import engine
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.policy import installation_policy
from saleor_automation.messaging.models import Message

from .db_fixtures import NOW, chain, email, exit_, make_contact, make_flow, make_installation

pytestmark = pytest.mark.django_db


def at_trigger(flow, contact) -> Enrollment:
    """An enrollment of `contact` due now at the flow's trigger."""
    return Enrollment.objects.create(
        installation=flow.installation,
        flow=flow,
        version=flow.active_version,
        contact=contact,
        entry_key="k",
        current_node="trigger",
        node_entered_at=NOW,
        wake_at=NOW,
    )


def test_blank_choices_fall_back_to_the_deployment_defaults(settings):
    settings.DEFAULT_TIMEZONE = "Europe/Berlin"
    settings.FREQUENCY_CAP_MESSAGES, settings.FREQUENCY_CAP_HOURS = 3, 48
    settings.ASSUME_MARKETING_CONSENT = True
    installation = make_installation()

    policy = installation_policy(installation)

    assert policy.timezone == "Europe/Berlin"
    assert (policy.cap.max_messages, policy.cap.window) == (3, timedelta(hours=48))
    assert policy.assume_consent is True

    installation.timezone = "Not/AZone"
    installation.frequency_cap_messages = 0  # the store turned the cap off
    installation.assume_marketing_consent = False
    policy = installation_policy(installation)
    assert policy.timezone == "Europe/Berlin" and policy.cap is None
    assert policy.assume_consent is False


def test_each_installation_sends_by_its_own_policy_in_one_batch(settings):
    settings.FREQUENCY_CAP_MESSAGES = 0
    quiet = {"quiet_hours": {"start": "21:00", "end": "08:00"}}
    # NOW is 12:00 UTC: 21:00 in Tokyo (quiet), noon in UTC.
    tokyo = make_installation("https://tokyo.example.com/graphql/")
    tokyo.timezone = "Asia/Tokyo"
    tokyo.frequency_cap_messages, tokyo.frequency_cap_hours = 1, 24
    tokyo.save()
    london = make_installation("https://london.example.com/graphql/")
    london.assume_marketing_consent = True
    london.save()
    flows, people = {}, {}
    for name, installation in (("tokyo", tokyo), ("london", london)):
        flows[name] = make_flow(installation, chain(email("s1"), exit_()), quiet)
        # No country and no zone: the store's zone decides; consent unknown.
        people[name] = make_contact(installation, marketing_consent=None)
    for name in flows:
        flows[name].refresh_from_db()
        at_trigger(flows[name], people[name])

    assert engine.enrollments_advance_due(now=NOW, limit=10) == 2

    # London assumes consent and it is noon there: sent. Tokyo does not assume consent.
    assert list(Message.objects.values_list("installation_id", flat=True)) == [london.pk]
    skipped = Enrollment.objects.get(flow=flows["tokyo"])
    assert skipped.status == EnrollmentStatus.FINISHED


def test_quiet_hours_follow_the_store_time_zone(settings):
    installation = make_installation()
    installation.timezone = "Asia/Tokyo"
    installation.save()
    person = make_contact(installation)  # consents; no country, no zone
    flow = make_flow(
        installation,
        chain(email("s1"), exit_()),
        {"quiet_hours": {"start": "21:00", "end": "08:00"}},
    )
    flow.refresh_from_db()
    enrollment = at_trigger(flow, person)

    engine.enrollment_advance(enrollment.pk, NOW)

    enrollment.refresh_from_db()
    assert not Message.objects.exists()
    # 08:00 in Tokyo the next morning is 23:00 UTC today.
    assert enrollment.wake_at == NOW.replace(hour=23)
    assert enrollment.awaiting["reason"] == "quiet_hours"


def test_store_quiet_hours_hold_flows_without_their_own(settings):
    settings.QUIET_HOURS = ""
    installation = make_installation()
    installation.timezone = "Asia/Tokyo"  # NOW, 12:00 UTC, is 21:00 in Tokyo
    installation.quiet_hours = "20:00-07:30"
    installation.save()
    person = make_contact(installation)
    plain = make_flow(installation, chain(email("s1"), exit_()))
    # A flow with quiet hours of its own uses those: 22:00 has not begun in Tokyo.
    own = make_flow(
        installation,
        chain(email("s1"), exit_()),
        {"quiet_hours": {"start": "22:00", "end": "06:00"}},
    )
    for flow in (plain, own):
        flow.refresh_from_db()
        at_trigger(flow, person)

    engine.enrollments_advance_due(now=NOW, limit=10)

    held = Enrollment.objects.get(flow=plain)
    assert held.awaiting["reason"] == "quiet_hours"
    assert held.wake_at == NOW.replace(hour=22, minute=30)  # 07:30 in Tokyo
    assert list(Message.objects.values_list("enrollment__flow_id", flat=True)) == [own.pk]


@pytest.mark.parametrize(
    ("own", "default", "expected"),
    [
        ("", "", None),
        ("", "21:00-08:00", ("21:00", "08:00")),
        ("22:30-07:00", "21:00-08:00", ("22:30", "07:00")),
        ("off", "21:00-08:00", None),  # the store turned the deployment's off
    ],
)
def test_store_quiet_hours_fall_back_to_the_deployment(settings, own, default, expected):
    settings.QUIET_HOURS = default
    installation = make_installation()
    installation.quiet_hours = own
    quiet = installation_policy(installation).quiet_hours
    got = (f"{quiet.start:%H:%M}", f"{quiet.end:%H:%M}") if quiet else None
    assert got == expected
