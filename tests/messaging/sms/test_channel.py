"""channel.py with the test backend: what the outbox row becomes on its way to a provider."""

import uuid

import pytest

from saleor_automation.messaging.models import Message
from saleor_automation.messaging.services import messages_queue
from saleor_automation.messaging.sms import channel
from saleor_automation.messaging.sms.backends import test as test_backend
from saleor_automation.messaging.sms.exceptions import SmsApiError, SmsInvalidNumber
from saleor_automation.messaging.sms.models import SmsConfig
from tests.flows.db_fixtures import NOW, make_contact, make_installation

from .cases import sms_outbox

__all__ = ["sms_outbox"]  # fixture used by name


@pytest.fixture
def installation(db):
    return make_installation()


def queue(installation, phone="06 12 34 56 78", country="FR") -> Message:
    contact = make_contact(installation, phone=phone, country=country)
    (message,) = messages_queue(
        [
            Message(
                installation=installation,
                contact=contact,
                channel="sms",
                idempotency_key=uuid.uuid4(),
                to_address=phone,
                body_text="Hi Ana",
                created_at=NOW,
            )
        ]
    )
    return message


def test_sends_what_the_row_says_in_e164(installation, sms_outbox, settings):
    settings.MESSAGING["SMS_SENDER"] = "+15017122661"
    message = queue(installation)
    message_id = channel.send(message)
    (sent,) = sms_outbox
    config = SmsConfig.objects.get(installation=installation)
    assert sent.test_params == {
        "to": "+33612345678",
        "body": "Hi Ana",
        "sender": "+15017122661",
        "metadata": {"message_key": str(message.idempotency_key)},
        "status_callback": f"https://sms.test/status/{config.webhook_key}",
    }
    assert message_id == sent.send_result.message_id


def test_the_stores_sender_wins_over_the_deployments(installation, sms_outbox, settings):
    settings.MESSAGING["SMS_SENDER"] = "+15017122661"
    SmsConfig.objects.create(installation=installation, sender="ShopName")
    channel.send(queue(installation))
    assert sms_outbox[0].test_params["sender"] == "ShopName"


@pytest.mark.parametrize(
    ("contact_country", "store_region", "deployment_region", "expected"),
    [
        ("FR", "DE", "US", "+33612345678"),
        ("", "FR", "US", "+33612345678"),
        ("", "", "FR", "+33612345678"),
    ],
)
def test_the_region_comes_from_contact_then_store_then_deployment(
    installation, sms_outbox, settings, contact_country, store_region, deployment_region, expected
):
    settings.MESSAGING["SMS_DEFAULT_REGION"] = deployment_region
    SmsConfig.objects.create(installation=installation, default_region=store_region)
    channel.send(queue(installation, country=contact_country))
    assert sms_outbox[0].test_params["to"] == expected


def test_without_any_region_a_national_number_is_invalid(installation, sms_outbox):
    with pytest.raises(SmsInvalidNumber, match="country code"):
        channel.send(queue(installation, country=""))
    assert sms_outbox == []


def test_a_scripted_failure_raises_and_records_nothing(installation, sms_outbox):
    test_backend.script(test_backend.ScriptedResponse(error=SmsApiError("no credit")))
    with pytest.raises(SmsApiError, match="no credit"):
        channel.send(queue(installation))
    assert sms_outbox == []


def test_a_scripted_id_is_returned(installation, sms_outbox):
    test_backend.script(test_backend.ScriptedResponse(message_id="SMabc"))
    assert channel.send(queue(installation)) == "SMabc"
