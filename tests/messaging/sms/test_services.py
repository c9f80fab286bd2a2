"""services.py: per-installation SMS settings and webhook URLs."""

import pytest
from django.core.exceptions import ValidationError

from saleor_automation.messaging.sms.models import SmsConfig
from saleor_automation.messaging.sms.services import (
    sms_config_by_webhook_key,
    sms_config_get,
    sms_config_update,
    sms_webhook_key_rotate,
    sms_webhook_urls,
)
from tests.flows.db_fixtures import make_installation


@pytest.fixture
def installation(db):
    return make_installation()


def test_config_is_created_once_with_a_random_key(installation):
    first = sms_config_get(installation_id=installation.pk)
    again = sms_config_get(installation_id=installation.pk)
    assert first.pk == again.pk
    assert len(first.webhook_key) >= 32
    other = sms_config_get(installation_id=make_installation("https://b.example/graphql/").pk)
    assert other.webhook_key != first.webhook_key
    assert sms_config_by_webhook_key(first.webhook_key) == first
    assert sms_config_by_webhook_key("nope") is None


@pytest.mark.parametrize(
    ("sender", "stored"),
    [
        ("+1 (501) 712-2661", "+15017122661"),
        ("MG" + "a" * 32, "MG" + "a" * 32),
        ("My Shop", "My Shop"),
        ("", ""),
    ],
)
def test_sender_is_a_number_a_service_or_a_sender_id(installation, sender, stored):
    config = sms_config_update(installation_id=installation.pk, sender=sender)
    assert config.sender == stored


@pytest.mark.parametrize("sender", ["12", "Shop name too long", "shop!"])
def test_a_bad_sender_is_refused(installation, sender):
    with pytest.raises(ValidationError) as raised:
        sms_config_update(installation_id=installation.pk, sender=sender)
    assert "sender" in raised.value.message_dict


def test_region_is_checked_and_upper_cased(installation):
    assert (
        sms_config_update(installation_id=installation.pk, default_region="fr").default_region
        == "FR"
    )
    with pytest.raises(ValidationError):
        sms_config_update(installation_id=installation.pk, default_region="XX")


def test_webhook_urls_are_public_and_rotate(installation, settings):
    settings.APP_BASE_URL = "https://automation.example.com"
    urls = sms_webhook_urls(installation_id=installation.pk)
    key = SmsConfig.objects.get().webhook_key
    assert urls == {
        "inbound": f"https://automation.example.com/webhooks/sms/twilio/{key}/inbound",
        "status": f"https://automation.example.com/webhooks/sms/twilio/{key}/status",
    }
    rotated = sms_webhook_key_rotate(installation_id=installation.pk)
    assert rotated.webhook_key != key
    assert sms_config_by_webhook_key(key) is None
