"""A tracking webhook wakes a flow waiting for that message event (message_event_recorded ->
flows' receiver -> enrollments_notify), as in tests/flows/test_engine.py's wait-for-open."""

from datetime import timedelta

from django.test import Client

from saleor_automation.flows import engine
from saleor_automation.flows.models import EnrollmentStatus, StepRun
from saleor_automation.flows.services import enrollment_start
from saleor_automation.messaging.links import tracked_url
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send
from tests.flows.db_fixtures import HOUR, NOW, contact, email, exit_, graph, installation, make_flow

from .payloads import as_json, basic_auth, postmark_open

__all__ = ["contact", "installation"]  # fixtures used by name


def wait_for(event: str):
    return graph(
        [
            ("trigger", "trigger", {"event": "customer_created"}),
            email("s1"),
            ("w", "wait", {"mode": "until_event", "event": event, "node": "s1", "timeout_days": 1}),
            exit_("yes"),
            exit_("no"),
        ],
        [
            ("trigger", "next", "s1"),
            ("s1", "next", "w"),
            ("w", "event", "yes"),
            ("w", "timeout", "no"),
        ],
    )


def enrolled_and_sent(installation, contact, event: str):
    flow = make_flow(installation, wait_for(event))
    enrollment = enrollment_start(flow=flow, contact=contact, entry_key="k", context={}, now=NOW)
    engine.enrollment_advance(enrollment.pk, NOW)
    message = Message.objects.get(enrollment=enrollment)
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    enrollment.refresh_from_db()
    assert enrollment.awaiting["kind"] == f"message.{event.removeprefix('message_')}"
    return enrollment, message


def outcome(enrollment) -> list[tuple[str, str]]:
    return list(
        StepRun.objects.filter(enrollment=enrollment)
        .order_by("step_seq")
        .values_list("node_id", "outcome")[:100]
    )[-2:]


def test_a_postmark_open_wakes_a_wait_for_an_open(installation, contact):
    enrollment, message = enrolled_and_sent(installation, contact, "message_opened")
    opened_at = (NOW + HOUR).isoformat().replace("+00:00", "Z")
    payload = postmark_open("pm-id", {"message_key": str(message.idempotency_key)}, opened_at)
    response = Client().post(
        "/webhooks/esp/postmark/tracking/",
        as_json(payload),
        content_type="application/json",
        **basic_auth(),
    )
    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.wake_at == NOW + HOUR
    assert engine.enrollments_advance_due(now=NOW + 2 * HOUR, limit=10) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.FINISHED
    assert outcome(enrollment) == [("w", "event"), ("yes", "finish")]


def test_a_click_through_the_redirect_wakes_a_wait_for_a_click(installation, contact, time_machine):
    enrollment, message = enrolled_and_sent(installation, contact, "message_clicked")
    time_machine.move_to(NOW + HOUR, tick=False)
    url = tracked_url(message, "https://shop.example.com/", expires_in=timedelta(days=7))
    path = "/r/" + url.split("/r/", 1)[1]
    assert Client().get(path).status_code == 302
    assert engine.enrollments_advance_due(now=NOW + 2 * HOUR, limit=10) == 1
    enrollment.refresh_from_db()
    assert outcome(enrollment) == [("w", "event"), ("yes", "finish")]
