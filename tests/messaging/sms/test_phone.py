"""phone.py: E.164 with the contact's region, masking, redaction. No database."""

import re

import pytest

from saleor_automation.messaging.sms.exceptions import SmsInvalidNumber
from saleor_automation.messaging.sms.phone import phone_mask, phone_normalise, phone_redact


@pytest.mark.parametrize(
    ("number", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "fr", "+33612345678"),
        ("0033 6 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "", "+33612345678"),
        ("+33612345678", "US", "+33612345678"),  # an explicit country code wins
        ("(415) 555-2671", "US", "+14155552671"),
        ("07911 123456", "GB", "+447911123456"),
        ("030 1234567", "DE", "+49301234567"),
    ],
)
def test_normalise_to_e164(number, region, e164):
    assert phone_normalise(number, region) == e164


@pytest.mark.parametrize(
    ("number", "region", "message"),
    [
        ("06 12 34 56 78", "", "needs its +country code"),
        ("12", "FR", "not a valid phone number for FR"),
        ("+33 12", "", "not a valid phone number for FR"),
        ("call me", "FR", "not a number"),
        ("", "FR", "not a number"),
    ],
)
def test_invalid_numbers_say_why_without_the_number(number, region, message):
    with pytest.raises(SmsInvalidNumber, match=re.escape(message)) as raised:
        phone_normalise(number, region)
    if number.strip():
        assert number not in str(raised.value)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+33612345678", "+33 *******78"),
        ("+14155552671", "+1 ********71"),
        ("0612345678", "********78"),
        ("123", "***"),
    ],
)
def test_mask(number, masked):
    assert phone_mask(number) == masked


def test_redact_masks_numbers_in_provider_text_and_keeps_error_codes():
    text = "The 'To' number +33 6 12 34 56 78 is not valid (21211)"
    assert phone_redact(text) == "The 'To' number +33 *******78 is not valid (21211)"
