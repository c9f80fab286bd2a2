"""How a store encodes birthday and marketing consent in Saleor customer metadata."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from ..saleor.models import Installation

CONSENT_VALUES = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class MetadataKeys:
    birthday: str
    consent: str
    sms_consent: str


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None


def metadata_keys(installation: Installation) -> MetadataKeys:
    """The metadata keys one installation uses: its own choice, else the deployment's."""
    return MetadataKeys(
        birthday=installation.birthday_metadata_key or settings.DEFAULT_BIRTHDAY_METADATA_KEY,
        consent=installation.consent_metadata_key or settings.DEFAULT_CONSENT_METADATA_KEY,
        sms_consent=settings.DEFAULT_SMS_CONSENT_METADATA_KEY,
    )


def parse_birthday(value: str | None) -> Birthday | None:
    """ "MM-DD", "--MM-DD" (ISO 8601 without year) or "YYYY-MM-DD"; anything else is None."""
    if not value:
        return None
    text = value.strip()
    year: int | None = None
    if text.startswith("--"):
        text = text[2:]
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            year = int(parts[0])
            parts = parts[1:]
        if len(parts) != 2 or not all(1 <= len(p) <= 2 for p in parts):
            return None
        month, day = int(parts[0]), int(parts[1])
        # A leap year accepts 02-29 when no year is given.
        date(year or 2000, month, day)
    except ValueError:
        return None
    if year is not None and not 1900 <= year <= date.today().year:
        return None
    return Birthday(month=month, day=day, year=year)


def parse_consent(value: str | None) -> bool | None:
    """True/False for the accepted spellings; None when absent or unrecognised."""
    if value is None:
        return None
    return CONSENT_VALUES.get(value.strip().lower())
