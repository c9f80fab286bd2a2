"""settings.py: get_messaging_setting's order of lookup and its error."""

import pytest

from saleor_automation.messaging.sms.exceptions import SmsConfigurationError
from saleor_automation.messaging.sms.settings import get_messaging_setting


def test_kwargs_then_dict_then_prefixed_setting_then_default(settings):
    settings.MESSAGING = {"TWILIO_AUTH_TOKEN": "from-dict"}
    settings.MESSAGING_TWILIO_AUTH_TOKEN = "from-setting"
    kwargs = {"auth_token": "from-kwargs", "other": 1}
    assert get_messaging_setting("auth_token", "twilio", kwargs) == "from-kwargs"
    assert kwargs == {"other": 1}  # consumed, so a backend can reject what is left
    assert get_messaging_setting("auth_token", "twilio") == "from-dict"
    settings.MESSAGING = {}
    assert get_messaging_setting("auth_token", "twilio") == "from-setting"
    del settings.MESSAGING_TWILIO_AUTH_TOKEN
    assert get_messaging_setting("auth_token", "twilio", default="d") == "d"


def test_a_missing_setting_names_what_to_set(settings):
    settings.MESSAGING = {}
    with pytest.raises(SmsConfigurationError, match="TWILIO_ACCOUNT_SID") as raised:
        get_messaging_setting("account_sid", "twilio")
    assert 'MESSAGING["TWILIO_ACCOUNT_SID"]' in str(raised.value)


def test_system_check_names_a_missing_twilio_credential(settings):
    from saleor_automation.messaging.sms.checks import check_sms_settings

    settings.MESSAGING = {
        "SMS_BACKEND": "saleor_automation.messaging.sms.backends.twilio.SmsBackend"
    }
    (problem,) = check_sms_settings(None)
    assert problem.id == "saleor_automation.E101"
    assert "TWILIO_ACCOUNT_SID" in problem.msg


def test_system_check_refuses_a_backend_that_is_not_one(settings):
    from saleor_automation.messaging.sms.checks import check_sms_settings

    settings.MESSAGING = {"SMS_BACKEND": "saleor_automation.messaging.sms.phone.phone_mask"}
    (problem,) = check_sms_settings(None)
    assert "is not an SMS backend class" in problem.msg
