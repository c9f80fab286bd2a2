"""Phone numbers: E.164 at the send boundary, masked everywhere they might be seen.

    phone_normalise(number, region="") -> str        "+33612345678"
    phone_mask(number) -> str                        "+33 *******78"
    phone_redact(text) -> str                        every number-like run in text masked

The outbox keeps the number the engine put there (the contact's phone as the store typed
it); it becomes E.164 only when it is handed to a backend, with the contact's country as
the region for a number written without its country code.
"""

import re

import phonenumbers

from .exceptions import SmsInvalidNumber

__all__ = ["phone_mask", "phone_normalise", "phone_redact"]

# What a number looks like inside a provider's error text: 6+ digits, perhaps with a + and
# spaces, dots, dashes or brackets between them.
_NUMBER_LIKE = re.compile(r"\+?\d[\d\s().\-]{4,}\d")

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}


def phone_normalise(number: str, region: str = "") -> str:
    """`number` in E.164, read in `region` (ISO 3166 alpha-2) when it has no +country code.

    Raises SmsInvalidNumber, naming the region and never the number, when it cannot be read
    or is not a valid number.
    """
    region = (region or "").strip().upper() or None
    try:
        parsed = phonenumbers.parse((number or "").strip(), region)
    except phonenumbers.NumberParseException as exc:
        why = _PARSE_ERRORS.get(exc.error_type, "unreadable")
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            why = f"{why} (no region known: the number needs its +country code)"
        raise SmsInvalidNumber(f"not a phone number: {why}") from None
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_number(parsed) or region or "unknown region"
        raise SmsInvalidNumber(f"not a valid phone number for {where}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_mask(number: str) -> str:
    """The country code and the last two digits only: enough to tell two test phones apart
    on a console, too little to be a phone number."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) < 5:
        return "*" * len(digits)
    prefix = ""
    if (number or "").strip().startswith("+"):
        try:
            country = str(phonenumbers.parse(number.strip()).country_code)
        except phonenumbers.NumberParseException:
            country = digits[:1]
        prefix, digits = f"+{country} ", digits[len(country) :]
    return prefix + "*" * (len(digits) - 2) + digits[-2:]


def phone_redact(text: str) -> str:
    """`text` (a provider's error message) with every number-like run masked."""
    return _NUMBER_LIKE.sub(lambda match: phone_mask(match.group(0)), text or "")
