"""flows/engine.py: applying decisions, with the nodes' real semantics and a fixed clock."""

from datetime import timedelta

import pytest
from django.core import mail

from saleor_automation.flows import engine
from saleor_automation.flows.decisions import Goto
from saleor_automation.flows.models import (
    Effect,
    EffectStatus,
    Enrollment,
    EnrollmentStatus,
    FlowStatus,
    GroupMember,
    StepRun,
)
from saleor_automation.flows.services import (
    enrollment_start,
    enrollments_notify,
    flow_pause,
    flow_resume,
)
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send

from .db_fixtures import (
    HOUR,
    NOW,
    WAIT_SEND,
    chain,
    contact,
    eager,
    email,
    exit_,
    graph,
    installation,
    make_contact,
    make_flow,
    wait,
)

__all__ = ["contact", "eager", "installation"]  # fixtures used by name


def start(flow, person, key="k1", at=NOW):
    enrollment = enrollment_start(flow=flow, contact=person, entry_key=key, context={}, now=at)
    assert enrollment is not None
    return enrollment


def steps(enrollment) -> list[tuple[str, str]]:
    return list(
        StepRun.objects.filter(enrollment=enrollment)
        .order_by("step_seq")
        .values_list("node_id", "outcome")
    )


def test_wait_then_send_then_exit(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    assert engine.enrollment_advance(enrollment.pk, NOW)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.WAITING, "w1")
    assert enrollment.wake_at == NOW + HOUR
    assert steps(enrollment) == [("trigger", "next")]

    assert not engine.enrollment_advance(enrollment.pk, NOW + HOUR - timedelta(seconds=1))
    assert engine.enrollment_advance(enrollment.pk, NOW + HOUR)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.finish_reason) == (EnrollmentStatus.FINISHED, "exit")
    assert enrollment.wake_at is None
    assert steps(enrollment) == [
        ("trigger", "next"),
        ("w1", "next"),
        ("s1", "next"),
        ("exit", "finish"),
    ]
    message = Message.objects.get()
    assert message.to_address == "person1@example.com"
    # Rendered at send time by messaging, from the node's content and this context.
    assert message.content["subject"] == "Hi {{ first_name }}"
    assert message.render_context["contact"]["first_name"] == "Ana1"
    assert (message.subject, message.body_text) == ("", "")
    assert message.idempotency_key == engine.idempotency_key(enrollment.pk, "s1")
    send_step = StepRun.objects.get(enrollment=enrollment, node_id="s1")
    assert send_step.detail == {"decision": "send", "channel": "email", "message": message.pk}
    assert send_step.entered_at == send_step.left_at == NOW + HOUR


def test_advancing_twice_makes_one_step_and_one_message(installation, contact):
    flow = make_flow(installation, chain(email("s1"), wait("w1", hours=1), exit_()))
    enrollment = start(flow, contact)
    assert engine.enrollment_advance(enrollment.pk, NOW)
    assert not engine.enrollment_advance(enrollment.pk, NOW)
    assert not engine.enrollment_advance(enrollment.pk, NOW + timedelta(minutes=5))
    assert StepRun.objects.filter(enrollment=enrollment).count() == 2
    assert Message.objects.count() == 1


def test_a_retried_send_task_sends_once(
    installation, contact, eager, django_capture_on_commit_callbacks
):
    flow = make_flow(installation, chain(email("s1"), exit_()))
    enrollment = start(flow, contact)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert engine.enrollment_advance(enrollment.pk, NOW)
    assert len(callbacks) == 1
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT
    assert message_send(message.pk) == MessageStatus.SENT  # the task delivered again
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Message-Key"] == str(message.idempotency_key)


def test_a_replayed_send_step_creates_no_second_message(installation, contact):
    flow = make_flow(installation, chain(email("s1"), wait("w1", hours=1), exit_()))
    enrollment = start(flow, contact)
    engine.enrollment_advance(enrollment.pk, NOW)
    # As if the advance ran again from before the send (a loop back, or a replay).
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.ACTIVE, current_node="s1", step_seq=5, wake_at=NOW, awaiting=None
    )
    assert engine.enrollment_advance(enrollment.pk, NOW)
    assert Message.objects.count() == 1
    replay = StepRun.objects.get(enrollment=enrollment, step_seq=5)
    assert replay.detail == {"decision": "skip", "reason": engine.ALREADY_SENT}


def test_missing_edge_finishes_failed_definition(installation, contact, monkeypatch):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    monkeypatch.setattr(engine, "evaluate", lambda node, ctx, now: Goto("nowhere"))
    assert engine.enrollment_advance(enrollment.pk, NOW)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.FAILED
    assert enrollment.finish_reason == "failed_definition"
    step = StepRun.objects.get(enrollment=enrollment)
    assert step.outcome == "nowhere" and "no edge" in step.detail["error"]


def test_unknown_current_node_finishes_failed_definition(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    Enrollment.objects.filter(pk=enrollment.pk).update(current_node="gone")
    assert engine.enrollment_advance(enrollment.pk, NOW)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.finish_reason) == ("failed", "failed_definition")


def test_paused_flow_holds_its_enrollments_due(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    flow_pause(flow=flow)
    assert not engine.enrollment_advance(enrollment.pk, NOW)
    assert engine.enrollments_advance_due(now=NOW, limit=10) == 0
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.wake_at) == (EnrollmentStatus.ACTIVE, NOW)
    flow_resume(flow=flow)
    assert engine.enrollments_advance_due(now=NOW, limit=10) == 1


def test_archived_flow_finishes_its_enrollments_at_the_next_advance(installation, contact):
    flow = make_flow(installation, WAIT_SEND)
    enrollment = start(flow, contact)
    type(flow).objects.filter(pk=flow.pk).update(status=FlowStatus.ARCHIVED)  # no service
    assert engine.enrollment_advance(enrollment.pk, NOW)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.finish_reason) == ("finished", "flow_archived")
    assert not StepRun.objects.exists()


# trigger -> email s1 -> wait up to a day for s1 to be opened -> exit "opened" / "not_opened"
WAIT_FOR_OPEN = graph(
    [
        ("trigger", "trigger", {"event": "customer_created"}),
        email("s1"),
        (
            "w",
            "wait",
            {"mode": "until_event", "event": "message_opened", "node": "s1", "timeout_days": 1},
        ),
        exit_("opened"),
        exit_("not_opened"),
    ],
    [
        ("trigger", "next", "s1"),
        ("s1", "next", "w"),
        ("w", "event", "opened"),
        ("w", "timeout", "not_opened"),
    ],
)


def test_wait_for_an_open_follows_the_event_branch(installation, contact):
    flow = make_flow(installation, WAIT_FOR_OPEN)
    enrollment = start(flow, contact)
    engine.enrollment_advance(enrollment.pk, NOW)
    enrollment.refresh_from_db()
    assert enrollment.awaiting["kind"] == "message.opened"
    assert enrollment.wake_at == NOW + timedelta(days=1)

    assert (
        enrollments_notify(
            installation=installation,
            contact_id=contact.pk,
            kind="message.opened",
            match={"node": "other"},
            at=NOW + HOUR,
        )
        == 0
    )
    assert (
        enrollments_notify(
            installation=installation,
            contact_id=contact.pk,
            kind="message.opened",
            match={"node": "s1"},
            at=NOW + HOUR,
        )
        == 1
    )
    assert engine.enrollments_advance_due(now=NOW + 2 * HOUR, limit=10) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.FINISHED
    assert steps(enrollment)[-2:] == [("w", "event"), ("opened", "finish")]


def test_wait_for_an_open_times_out(installation, contact):
    flow = make_flow(installation, WAIT_FOR_OPEN)
    enrollment = start(flow, contact)
    engine.enrollment_advance(enrollment.pk, NOW)
    assert engine.enrollments_advance_due(now=NOW + timedelta(hours=23), limit=10) == 0
    assert engine.enrollments_advance_due(now=NOW + timedelta(days=1), limit=10) == 1
    late = enrollments_notify(
        installation=installation,
        contact_id=contact.pk,
        kind="message.opened",
        match={"node": "s1"},
        at=NOW + timedelta(days=2),
    )
    assert late == 0
    assert steps(enrollment)[-2:] == [
        ("w", "timeout"),
        ("not_opened", "finish"),
    ]


def test_no_consent_skips_the_send(installation):
    person = make_contact(installation, marketing_consent=None)
    flow = make_flow(installation, chain(email("s1"), exit_()))
    enrollment = start(flow, person)
    engine.enrollment_advance(enrollment.pk, NOW)
    assert not Message.objects.exists()
    step = StepRun.objects.get(enrollment=enrollment, node_id="s1")
    assert step.detail == {"decision": "skip", "reason": "no_consent"}


def test_unknown_consent_counts_as_consent_when_configured(installation, settings):
    settings.ASSUME_MARKETING_CONSENT = True
    person = make_contact(installation, marketing_consent=None)
    flow = make_flow(installation, chain(email("s1"), exit_()))
    engine.enrollment_advance(start(flow, person).pk, NOW)
    assert Message.objects.count() == 1


def test_frequency_cap_defers_a_second_send_across_flows(installation, contact, settings):
    settings.FREQUENCY_CAP_MESSAGES, settings.FREQUENCY_CAP_HOURS = 1, 24
    first = make_flow(installation, chain(email("s1"), exit_()))
    second = make_flow(installation, chain(email("s1"), exit_()))
    one, two = start(first, contact), start(second, contact)
    # One batch: the second flow must see the send the first just queued.
    assert engine.enrollments_advance_due(now=NOW, limit=10) == 2
    assert Message.objects.count() == 1
    sent = Message.objects.get().enrollment_id
    deferred = Enrollment.objects.get(pk=two.pk if sent == one.pk else one.pk)
    assert deferred.status == EnrollmentStatus.WAITING
    assert deferred.current_node == "s1"
    assert deferred.wake_at == NOW + timedelta(hours=24)
    assert deferred.awaiting["reason"] == "frequency_cap"
    assert engine.enrollments_advance_due(now=NOW + timedelta(hours=24), limit=10) == 1
    assert Message.objects.count() == 2


def test_action_records_an_effect_run_after_commit(
    installation, contact, eager, django_capture_on_commit_callbacks
):
    flow = make_flow(
        installation,
        chain(("a1", "action", {"kind": "add_to_group", "group": "vip"}), exit_()),
    )
    enrollment = start(flow, contact)
    with django_capture_on_commit_callbacks(execute=True):
        engine.enrollment_advance(enrollment.pk, NOW)
    effect = Effect.objects.get()
    assert effect.status == EffectStatus.DONE
    assert effect.idempotency_key == engine.idempotency_key(enrollment.pk, "a1")
    assert GroupMember.objects.filter(contact=contact, group__name="vip").count() == 1


@pytest.mark.parametrize("size", [1, 50])
def test_queries_per_batch_do_not_grow_with_its_size(
    installation, size, django_assert_max_num_queries
):
    flow = make_flow(installation, chain(wait("w1", hours=1), wait("w2", hours=1), exit_()))
    people = [make_contact(installation, n) for n in range(size)]
    for person in people:
        start(flow, person)
    engine.enrollments_advance_due(now=NOW, limit=1000)  # all now sleep in w1
    # active flows, claim, the claimed rows; installation policies; contacts, spend,
    # metadata, groups; messages; steps; update; + the savepoint and its release that stand
    # in for BEGIN/COMMIT in the test
    with django_assert_max_num_queries(13):
        assert engine.enrollments_advance_due(now=NOW + HOUR, limit=1000) == size
    assert set(Enrollment.objects.values_list("current_node", flat=True)) == {"w2"}


def test_conditions_see_customer_metadata_and_birthday(installation):
    from saleor_automation.flows.triggers.models import MetadataSnapshot

    vip = make_contact(installation, 1, birthday_month=11, birthday_day=23)
    MetadataSnapshot.objects.create(installation=installation, contact=vip, data={"tier": "vip"})
    other = make_contact(installation, 2)
    predicate = {
        "all": [
            {"field": "contact.attributes.tier", "op": "eq", "value": "vip"},
            {"field": "contact.attributes.birthday", "op": "eq", "value": "11-23"},
        ]
    }
    flow = make_flow(
        installation,
        graph(
            [
                ("trigger", "trigger", {"event": "customer_created"}),
                ("c", "condition", {"predicate": predicate}),
                exit_("yes"),
                exit_("no"),
            ],
            [("trigger", "next", "c"), ("c", "yes", "yes"), ("c", "no", "no")],
        ),
    )
    mine, theirs = start(flow, vip), start(flow, other)
    assert engine.enrollments_advance_due(now=NOW, limit=10) == 2
    assert steps(mine)[-1] == ("yes", "finish")
    assert steps(theirs)[-1] == ("no", "finish")


def test_a_node_that_raises_fails_its_enrollment_alone(installation, monkeypatch):
    flow = make_flow(installation, chain(email("s1"), wait("w1", hours=1), exit_()))
    bad, good = make_contact(installation, 1), make_contact(installation, 2)
    broken, fine = start(flow, bad), start(flow, good)
    real = engine.evaluate

    def evaluate(node, ctx, now):
        if ctx.contact.id == bad.pk and node.id == "w1":
            raise ValueError("a bug in a node")
        return real(node, ctx, now)

    monkeypatch.setattr(engine, "evaluate", evaluate)
    assert engine.enrollments_advance_due(now=NOW, limit=10) == 2
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.status, broken.finish_reason, broken.current_node) == (
        "failed",
        "failed_error",
        "trigger",
    )
    assert not StepRun.objects.filter(enrollment=broken).exists()
    assert Message.objects.get().enrollment_id == fine.pk
    assert (fine.status, fine.current_node) == ("waiting", "w1")


def test_external_actions_fail_visibly_and_lost_effects_are_swept(installation, contact):
    from saleor_automation.flows.effects import effect_run, effects_sweep

    flow = make_flow(
        installation,
        chain(("a1", "action", {"kind": "write_metadata", "key": "k", "value": "v"}), exit_()),
    )
    enrollment = start(flow, contact)
    engine.enrollment_advance(enrollment.pk, NOW)  # no on_commit here: the task is "lost"
    effect = Effect.objects.get()
    assert effects_sweep(now=NOW + timedelta(minutes=2)) == [effect.pk]
    assert effect_run(effect.pk, now=NOW) == EffectStatus.FAILED
    assert "guest" in Effect.objects.get().error  # a guest has no Saleor customer
    assert effects_sweep(now=NOW + timedelta(minutes=2)) == []


def test_sms_marketing_needs_its_own_opt_in(installation):

    sms = ("t1", "send_sms", {"message": {"text": "Hi {{ first_name }}"}})
    flow = make_flow(installation, chain(sms, exit_()))
    email_only = make_contact(installation, 1, phone="+15035550123")  # email consent only
    both = make_contact(installation, 2, phone="+15035550124", sms_consent=True)

    for person in (email_only, both):
        engine.enrollment_advance(start(flow, person).pk, NOW)

    assert list(Message.objects.values_list("contact_id", flat=True)) == [both.pk]
    skipped = StepRun.objects.get(enrollment__contact=email_only, node_id="t1")
    assert skipped.detail == {"decision": "skip", "reason": "no_consent"}
