"""contacts/metadata.py: reading birthday and consent from customer metadata."""

import pytest

from saleor_automation.contacts.metadata import (
    Birthday,
    metadata_keys,
    parse_birthday,
    parse_consent,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04-12", Birthday(4, 12, None)),
        ("4-2", Birthday(4, 2, None)),
        ("--04-12", Birthday(4, 12, None)),
        ("1990-04-12", Birthday(4, 12, 1990)),
        (" 02-29 ", Birthday(2, 29, None)),
        ("2000-02-29", Birthday(2, 29, 2000)),
        ("1999-02-29", None),
        ("13-01", None),
        ("04-31", None),
        ("12/04", None),
        ("1990-4", None),
        ("0090-04-12", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_birthday(value, expected):
    assert parse_birthday(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE ", True),
        ("yes", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("maybe", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_consent(value, expected):
    assert parse_consent(value) == expected


def test_metadata_keys_come_from_settings(installation, settings):
    settings.DEFAULT_BIRTHDAY_METADATA_KEY = "dob"
    settings.DEFAULT_CONSENT_METADATA_KEY = "newsletter"
    keys = metadata_keys(installation)
    assert (keys.birthday, keys.consent) == ("dob", "newsletter")


def test_a_store_with_other_keys(deliver, settings):
    from saleor_automation.contacts.models import Contact

    from .conftest import body

    settings.DEFAULT_BIRTHDAY_METADATA_KEY = "dob"
    settings.DEFAULT_CONSENT_METADATA_KEY = "newsletter"
    payload = body("customer_updated")
    payload["user"]["metadata"] = [
        {"key": "dob", "value": "--12-24"},
        {"key": "newsletter", "value": "yes"},
        {"key": "birthday", "value": "01-01"},
    ]
    deliver("customer_updated", payload)
    contact = Contact.objects.get()
    assert (contact.birthday_month, contact.birthday_day, contact.marketing_consent) == (
        12,
        24,
        True,
    )
