"""messaging/: the outbox, the send task's states and the console channel (rendering and
the email channel: test_email.py)."""

import io
import logging
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail

from saleor_automation.messaging import tasks
from saleor_automation.messaging.channels import console
from saleor_automation.messaging.channels import email as email_channel
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import (
    INTERRUPTED,
    message_send,
    messages_queue,
    messages_sweep,
)
from tests.flows.db_fixtures import NOW, contact, installation

__all__ = ["contact", "installation"]  # fixtures used by name


def new_message(contact, channel="email", key=None, **fields) -> Message:
    values = {
        "installation_id": contact.installation_id,
        "contact": contact,
        "node_id": "s1",
        "channel": channel,
        "idempotency_key": key or uuid.uuid4(),
        "to_address": contact.email if channel == "email" else "+33612345678",
        "subject": "Hello",
        "body_text": "Your cart misses you",
        "created_at": NOW,
    }
    values.update(fields)
    return Message(**values)


@pytest.fixture
def queued(contact) -> Message:
    (message,) = messages_queue([new_message(contact)])
    return message


def test_queue_is_idempotent_per_key(contact):
    key = uuid.uuid4()
    (first,) = messages_queue([new_message(contact, key=key)])
    (again,) = messages_queue([new_message(contact, key=key, subject="other")])
    assert again.pk == first.pk
    assert Message.objects.get().subject == "Hello"


def test_send_goes_queued_sending_sent_and_never_twice(queued):
    assert message_send(queued.pk, now=NOW) == MessageStatus.SENT
    assert message_send(queued.pk, now=NOW) == MessageStatus.SENT
    queued.refresh_from_db()
    assert (queued.status, queued.sending_at, queued.error) == ("sent", NOW, "")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [queued.to_address]


def test_sending_is_committed_before_the_channel_is_called(queued):
    seen = []

    def channel(message, **kwargs):
        seen.append(Message.objects.get(pk=message.pk).status)

    with mock.patch.object(email_channel, "send", channel):
        message_send(queued.pk, now=NOW)
    assert seen == [MessageStatus.SENDING]


def test_a_message_found_sending_is_never_sent_again(queued):
    Message.objects.filter(pk=queued.pk).update(status=MessageStatus.SENDING, sending_at=NOW)
    assert message_send(queued.pk) == MessageStatus.FAILED_UNKNOWN
    assert message_send(queued.pk) == MessageStatus.FAILED_UNKNOWN
    queued.refresh_from_db()
    assert queued.error == INTERRUPTED
    assert mail.outbox == []


def test_a_duplicate_task_cannot_turn_a_real_send_into_unknown(queued):
    def channel(message, **kwargs):
        # The duplicate task runs while this one is in flight.
        message_send(message.pk)

    with mock.patch.object(email_channel, "send", channel):
        assert message_send(queued.pk) == MessageStatus.SENT
    assert Message.objects.get().status == MessageStatus.SENT


def test_withdrawn_consent_skips_and_a_channel_error_fails(queued, contact):
    contact.marketing_consent = False
    contact.save()
    assert message_send(queued.pk) == MessageStatus.SKIPPED
    contact.marketing_consent = True
    contact.save()
    (other,) = messages_queue([new_message(contact)])
    with mock.patch.object(
        email_channel, "send", side_effect=OSError("refused\nto: x@example.com")
    ):
        assert message_send(other.pk) == MessageStatus.FAILED
    other.refresh_from_db()
    assert other.error == "OSError: refused"


def test_console_sms_prints_and_logs_no_personal_data(contact, caplog):
    (sms,) = messages_queue([new_message(contact, channel="sms", body_text="Code 1234")])
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger=console.__name__):
        console.send(sms, stream=out)
    assert "+33612345678" in out.getvalue() and "Code 1234" in out.getvalue()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert str(sms.pk) in logged
    assert "+33612345678" not in logged and "1234" not in logged.replace(str(sms.pk), "")


def test_sweep_requeues_lost_tasks_and_gives_up_on_stale_sends(contact):
    lost, fresh, stale, busy = messages_queue([new_message(contact) for _ in range(4)])
    Message.objects.filter(pk=fresh.pk).update(created_at=NOW + timedelta(minutes=10))
    Message.objects.filter(pk=stale.pk).update(
        status=MessageStatus.SENDING, sending_at=NOW - timedelta(minutes=30)
    )
    Message.objects.filter(pk=busy.pk).update(
        status=MessageStatus.SENDING, sending_at=NOW + timedelta(minutes=9)
    )
    result = messages_sweep(now=NOW + timedelta(minutes=10))
    assert result.requeue == [lost.pk]
    assert result.interrupted == 1
    assert Message.objects.get(pk=stale.pk).status == MessageStatus.FAILED_UNKNOWN
    assert Message.objects.get(pk=busy.pk).status == MessageStatus.SENDING


def test_send_task_counts_statuses_and_enqueue_chunks(queued):
    assert tasks.messages_send_task.apply(args=[[queued.pk, 0]]).get() == {
        "sent": 1,
        "missing": 1,
    }
    with mock.patch.object(tasks.messages_send_task, "delay") as delay:
        tasks.messages_send_enqueue(list(range(tasks.SEND_CHUNK * 2 + 1)))
    assert [len(call.args[0]) for call in delay.call_args_list] == [50, 50, 1]
