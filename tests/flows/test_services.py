"""flows/services: flows and versions, enrollments, groups."""

from datetime import timedelta

import pytest

from saleor_automation.flows import engine
from saleor_automation.flows.models import (
    Enrollment,
    EnrollmentStatus,
    FlowStatus,
    FlowVersion,
    FlowVersionImmutable,
    GroupMember,
    VersionState,
)
from saleor_automation.flows.services import (
    FlowStateError,
    FlowValidationError,
    enrollment_finish,
    enrollment_start,
    enrollments_notify,
    flow_activate,
    flow_archive,
    flow_create,
    flow_pause,
    flow_resume,
    flow_save_draft,
    group_add,
    group_move,
)
from saleor_automation.messaging.models import Message, MessageStatus

from .db_fixtures import (
    HOUR,
    NOW,
    WAIT_SEND,
    chain,
    contact,
    email,
    exit_,
    installation,
    make_contact,
    make_flow,
    make_installation,
    wait,
)

__all__ = ["contact", "installation"]  # fixtures used by name


def start(flow, person, key="k1", **kwargs):
    return enrollment_start(flow=flow, contact=person, entry_key=key, context={}, now=NOW, **kwargs)


def test_draft_validation_names_the_nodes(installation):
    flow = flow_create(installation=installation, name="f")
    broken = chain(wait("w1"), email("s1"), exit_())  # w1 has no duration
    broken["edges"].append({"source": "s1", "target": "ghost", "label": "next"})
    with pytest.raises(FlowValidationError) as caught:
        flow_save_draft(flow=flow, graph=broken, settings={"quiet_hours": {"start": "21:00"}})
    nodes = {issue.node_id for issue in caught.value.issues}
    assert {"w1", "s1", None} <= nodes
    assert "w1" in caught.value.message_dict and "__all__" in caught.value.message_dict
    assert not FlowVersion.objects.exists()


def test_activation_freezes_the_draft_and_edits_make_a_new_version(installation):
    flow = flow_create(installation=installation, name="f", graph=WAIT_SEND)
    assert flow.status == FlowStatus.DRAFT
    first = flow_activate(flow=flow, now=NOW)
    assert (flow.status, flow.active_version_id, first.state) == ("active", first.pk, "active")
    with pytest.raises(FlowStateError):
        flow_activate(flow=flow, now=NOW)  # no draft

    edited = chain(wait("w1", hours=2), email("s1"), exit_())
    draft = flow_save_draft(flow=flow, graph=edited, settings={"priority": 10})
    assert (draft.number, draft.state) == (2, VersionState.DRAFT)
    assert flow_save_draft(flow=flow, graph=edited, settings={}).pk == draft.pk  # in place
    second = flow_activate(flow=flow, now=NOW + HOUR)
    first.refresh_from_db()
    assert (first.state, second.state, second.activated_at) == ("retired", "active", NOW + HOUR)
    flow.refresh_from_db()
    assert flow.active_version_id == second.pk


def test_an_activated_version_cannot_change(installation):
    flow = make_flow(installation, WAIT_SEND)
    version = FlowVersion.objects.get(pk=flow.active_version_id)
    version.graph["nodes"][1]["params"]["hours"] = 5  # in place, as a careless caller would
    with pytest.raises(FlowVersionImmutable):
        version.save()
    version.refresh_from_db()
    version.activated_at = NOW + HOUR
    version.save()  # other fields may change


def test_running_enrollments_finish_on_their_version(installation, contact):
    flow = make_flow(installation, WAIT_SEND)  # waits 1 h
    old = start(flow, contact)
    engine.enrollment_advance(old.pk, NOW)
    flow_save_draft(flow=flow, graph=chain(wait("w1", hours=5), exit_()), settings={})
    flow_activate(flow=flow, now=NOW)
    flow.refresh_from_db()
    new = start(flow, make_contact(installation, 2))
    engine.enrollment_advance(new.pk, NOW)
    assert new.version_id == flow.active_version_id != old.version_id

    assert engine.enrollments_advance_due(now=NOW + HOUR, limit=10) == 1
    old.refresh_from_db()
    assert (old.status, old.finish_reason) == ("finished", "exit")
    assert Message.objects.get().enrollment_id == old.pk  # v1 had the send
    new.refresh_from_db()
    assert (new.status, new.wake_at) == ("waiting", NOW + 5 * HOUR)


def test_pause_resume_and_their_errors(installation):
    flow = flow_create(installation=installation, name="f", graph=WAIT_SEND)
    with pytest.raises(FlowStateError):
        flow_pause(flow=flow)  # a draft
    flow_activate(flow=flow, now=NOW)
    assert flow_pause(flow=flow).status == FlowStatus.PAUSED
    assert flow_pause(flow=flow).status == FlowStatus.PAUSED  # idempotent
    flow_save_draft(flow=flow, graph=WAIT_SEND, settings={})
    flow_activate(flow=flow, now=NOW)
    assert flow.status == FlowStatus.PAUSED  # activation does not resume
    assert flow_resume(flow=flow).status == FlowStatus.ACTIVE


def test_archive_finishes_open_enrollments_and_skips_their_queued_messages(installation):
    flow = make_flow(installation, chain(email("s1"), wait("w1", hours=1), exit_()))
    people = [make_contact(installation, n) for n in range(3)]
    enrollments = [start(flow, person) for person in people]
    engine.enrollments_advance_due(now=NOW, limit=10)
    enrollment_finish(enrollment=enrollments[0], reason="goal_order_placed", now=NOW)
    assert flow_archive(flow=flow, now=NOW + HOUR) == 2
    assert set(Enrollment.objects.values_list("finish_reason", flat=True)) == {
        "goal_order_placed",
        "flow_archived",
    }
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SKIPPED}
    with pytest.raises(FlowStateError):
        flow_save_draft(flow=flow, graph=WAIT_SEND, settings={})
    assert start(flow, make_contact(installation, 9)) is None


def test_start_is_idempotent_per_open_key(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    first = start(flow, contact)
    assert (first.status, first.current_node, first.wake_at) == ("active", "trigger", NOW)
    assert start(flow, contact) is None
    assert start(flow, contact, key="k2") is not None
    enrollment_finish(enrollment=first, reason="exit", now=NOW)
    assert start(flow, contact) is not None  # re-entry is the trigger's policy, not ours


def test_holdout_is_recorded_finished_once(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    held = start(flow, contact, holdout=True)
    assert (held.status, held.finish_reason, held.wake_at) == ("finished", "holdout", None)
    assert start(flow, contact, holdout=True) is None
    assert engine.enrollments_advance_due(now=NOW + HOUR, limit=10) == 0


def test_start_needs_an_active_flow_of_the_same_installation(installation, contact):
    flow = flow_create(installation=installation, name="f", graph=WAIT_SEND)
    assert start(flow, contact) is None  # draft
    flow_activate(flow=flow, now=NOW)
    flow_pause(flow=flow)
    assert start(flow, contact) is None
    stranger = make_contact(make_installation("https://other.example.com/graphql/"))
    with pytest.raises(ValueError):
        start(flow, stranger)


def test_finish_records_a_conversion_once(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    conversion = {"order_id": "T3JkZXI6MQ==", "total": "12.50", "currency": "EUR"}
    assert enrollment_finish(
        enrollment=enrollment, reason="goal_order_placed", now=NOW, conversion=conversion
    )
    assert not enrollment_finish(enrollment=enrollment, reason="exit", now=NOW + HOUR)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.converted_at) == (EnrollmentStatus.FINISHED, NOW)
    assert enrollment.conversion == conversion and enrollment.wake_at is None
    failed = start(flow, contact, key="k2")
    enrollment_finish(enrollment=failed, reason="failed_definition", now=NOW)
    assert failed.status == EnrollmentStatus.FAILED


def test_notify_wakes_only_matching_waiters_of_that_contact(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    other = make_contact(installation, 2)
    mine, theirs = start(flow, contact), start(flow, other)
    awaiting = {
        "kind": "order.placed",
        "match": {},
        "on_event": "event",
        "on_timeout": "timeout",
        "until": (NOW + 24 * HOUR).isoformat(),
    }
    Enrollment.objects.update(status="waiting", wake_at=NOW + 24 * HOUR, awaiting=awaiting)
    at = NOW + HOUR
    kwargs = {"installation": installation, "match": {"order_id": "o1"}, "at": at}
    assert enrollments_notify(contact_id=contact.pk, kind="message.opened", **kwargs) == 0
    assert enrollments_notify(contact_id=contact.pk, kind="order.placed", **kwargs) == 1
    assert enrollments_notify(contact_id=contact.pk, kind="order.placed", **kwargs) == 0
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.wake_at == at and mine.awaiting["event"]["data"] == {"order_id": "o1"}
    assert theirs.wake_at == NOW + 24 * HOUR and "event" not in theirs.awaiting
    elsewhere = make_installation("https://other.example.com/graphql/")
    assert (
        enrollments_notify(
            installation=elsewhere, contact_id=other.pk, kind="order.placed", match={}, at=at
        )
        == 0
    )


def test_groups_add_and_move(installation, contact):
    assert group_add(installation=installation, name="new", contact_id=contact.pk, now=NOW)
    assert not group_add(installation=installation, name="new", contact_id=contact.pk, now=NOW)
    group_add(installation=installation, name="vip", contact_id=contact.pk, now=NOW)
    assert group_move(
        installation=installation, name="lapsed", contact_id=contact.pk, now=NOW + timedelta(1)
    )
    names = GroupMember.objects.filter(contact=contact).values_list("group__name", flat=True)
    assert list(names) == ["lapsed"]
    assert not group_move(installation=installation, name="lapsed", contact_id=contact.pk, now=NOW)


def test_deleting_an_installation_takes_its_flows_versions_and_enrollments(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    flow_save_draft(flow=flow, graph=WAIT_SEND, settings={})
    flow_activate(flow=flow, now=NOW)
    engine.enrollment_advance(start(flow, contact).pk, NOW)
    installation.delete()
    assert not FlowVersion.objects.exists() and not Enrollment.objects.exists()
