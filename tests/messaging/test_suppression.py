"""messaging/suppression.py: the list, its policy and its place on the send path."""

import pytest

from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send
from saleor_automation.messaging.signals import suppression_changed
from saleor_automation.messaging.suppression import (
    SUPPRESSED,
    address_normalise,
    is_suppressed,
    suppression_add,
    suppression_reasons,
    suppression_remove,
)
from saleor_automation.messaging.suppression_models import Suppression, SuppressionReason
from tests.flows.db_fixtures import NOW, contact, installation, make_installation

from .sent_messages import sent_message

__all__ = ["contact", "installation"]  # fixtures used by name


@pytest.fixture
def changes():
    seen = []

    def receiver(sender, **kwargs):
        seen.append((kwargs["reason"], kwargs["suppressed"], kwargs["contact_id"]))

    suppression_changed.connect(receiver, dispatch_uid="test.changes")
    yield seen
    suppression_changed.disconnect(dispatch_uid="test.changes")


@pytest.mark.parametrize(
    ("channel", "raw", "normalised"),
    [
        ("email", "  Ana@Example.COM ", "ana@example.com"),
        ("sms", "+33 6 12-34 (56) 78", "+33612345678"),
        ("sms", "0033612345678", "+33612345678"),
    ],
)
def test_addresses_are_compared_normalised(channel, raw, normalised):
    assert address_normalise(channel, raw) == normalised


def test_unsubscribe_stops_marketing_but_not_transactional(installation):
    suppression_add(installation.pk, "email", "Ana@example.com", SuppressionReason.UNSUBSCRIBED)
    assert is_suppressed(installation.pk, "email", "ana@example.com")
    assert not is_suppressed(installation.pk, "email", "ana@example.com", marketing=False)
    assert not is_suppressed(installation.pk, "sms", "ana@example.com")
    other = make_installation("https://other.example.com/graphql/")
    assert not is_suppressed(other.pk, "email", "ana@example.com")


@pytest.mark.parametrize(
    "reason",
    [SuppressionReason.HARD_BOUNCE, SuppressionReason.MANUAL, SuppressionReason.SMS_STOP],
)
def test_bounces_blocks_and_stops_stop_everything(installation, reason):
    suppression_add(installation.pk, "email", "ana@example.com", reason)
    assert is_suppressed(installation.pk, "email", "ana@example.com", marketing=False)


def test_add_is_idempotent_and_signals_once(installation, changes):
    assert suppression_add(installation.pk, "email", "a@x.io", "unsubscribed", contact_id=7)
    assert not suppression_add(installation.pk, "email", "A@x.io", "unsubscribed", contact_id=7)
    assert Suppression.objects.count() == 1
    assert changes == [("unsubscribed", True, 7)]


def test_remove_lifts_only_the_named_reasons(installation, changes):
    suppression_add(installation.pk, "email", "a@x.io", SuppressionReason.UNSUBSCRIBED)
    suppression_add(installation.pk, "email", "a@x.io", SuppressionReason.HARD_BOUNCE)
    assert suppression_remove(installation.pk, "email", "a@x.io") == 1
    assert suppression_reasons(installation.pk, "email", "a@x.io") == {"hard_bounce"}
    assert suppression_remove(installation.pk, "email", "a@x.io") == 0
    assert changes[-1] == ("unsubscribed", False, None)


def test_unknown_reason_is_refused(installation):
    with pytest.raises(ValueError):
        suppression_add(installation.pk, "email", "a@x.io", "bored")


def test_a_suppressed_marketing_send_is_skipped(contact):
    message = sent_message(contact, status=MessageStatus.QUEUED, sent_at=None)
    suppression_add(contact.installation_id, "email", contact.email, "unsubscribed")
    assert message_send(message.pk, now=NOW) == MessageStatus.SKIPPED
    message.refresh_from_db()
    assert (message.status, message.error) == (MessageStatus.SKIPPED, SUPPRESSED)


def test_a_transactional_send_goes_to_an_unsubscribed_address(contact):
    message = sent_message(contact, status=MessageStatus.QUEUED, sent_at=None, marketing=False)
    suppression_add(contact.installation_id, "email", contact.email, "unsubscribed")
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT


def test_a_hard_bounce_blocks_a_transactional_send(contact):
    message = sent_message(contact, status=MessageStatus.QUEUED, sent_at=None, marketing=False)
    suppression_add(contact.installation_id, "email", contact.email, "hard_bounce")
    assert message_send(message.pk, now=NOW) == MessageStatus.SKIPPED
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SKIPPED


def test_the_send_path_check_is_one_query(installation, django_assert_num_queries):
    with django_assert_num_queries(1):
        is_suppressed(installation.pk, "email", "a@x.io")
