"""A store's own choices for all its flows (time zone, frequency cap, consent default, the
customer metadata keys and revenue attribution); blank or null falls back to the deployment
default.

    installation_settings_update(*, installation, changes) -> Installation
"""

import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Installation

# What may be changed, and what "back to the default" is stored as.
SETTINGS_DEFAULTS: dict[str, Any] = {
    "timezone": "",
    "frequency_cap_messages": None,
    "frequency_cap_hours": None,
    "assume_marketing_consent": None,
    "double_opt_in": None,
    "birthday_metadata_key": "",
    "consent_metadata_key": "",
    "attribution_model": "",
    "attribution_click_days": None,
    "attribution_open_days": None,
    "quiet_hours": "",
}
ATTRIBUTION_MODELS = ("click", "click_or_open")
MAX_ATTRIBUTION_DAYS = 90
MAX_CAP_MESSAGES = 1000
MAX_CAP_HOURS = 24 * 366
_METADATA_KEY = re.compile(r"^[^\s]{1,128}$")
# What flows.localtime.parse_quiet_hours reads (this layer cannot import flows).
_QUIET_HOURS = re.compile(r"^((?:[01]\d|2[0-3]):[0-5]\d)-((?:[01]\d|2[0-3]):[0-5]\d)$")


def _check_timezone(name: str) -> str | None:
    if name not in available_timezones():
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return f"Unknown time zone {name!r} (use an IANA name such as Europe/Paris)."
    return None


def _problem(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if name == "timezone":
        return _check_timezone(value)
    if name == "frequency_cap_messages" and not 0 <= value <= MAX_CAP_MESSAGES:
        return f"Between 0 (no cap) and {MAX_CAP_MESSAGES}."
    if name == "frequency_cap_hours" and not 1 <= value <= MAX_CAP_HOURS:
        return f"Between 1 and {MAX_CAP_HOURS} hours."
    if name == "attribution_model" and value not in ATTRIBUTION_MODELS:
        return f"One of {', '.join(ATTRIBUTION_MODELS)}."
    days = name.startswith("attribution_") and name.endswith("_days")
    if days and not 1 <= value <= MAX_ATTRIBUTION_DAYS:
        return f"Between 1 and {MAX_ATTRIBUTION_DAYS} days."
    if name == "quiet_hours":
        match = _QUIET_HOURS.match(value)
        if value != "off" and (not match or match[1] == match[2]):
            return 'From-to local times "HH:MM-HH:MM" (e.g. 21:00-08:00), or "off" for none.'
    if name.endswith("_metadata_key") and not _METADATA_KEY.match(value):
        return "1 to 128 characters, no spaces."
    return None


def installation_settings_update(
    *, installation: Installation, changes: Mapping[str, Any]
) -> Installation:
    """Apply `changes` (field -> value; None resets to the deployment default). Raises a
    ValidationError keyed by field and changes nothing when any value is invalid."""
    unknown = set(changes) - set(SETTINGS_DEFAULTS)
    if unknown:
        raise ValueError(f"not installation settings: {sorted(unknown)}")
    errors = {}
    for name, value in changes.items():
        problem = _problem(name, value)
        if problem:
            errors[name] = ValidationError(problem, code="invalid")
    if errors:
        raise ValidationError(errors)
    values = {
        name: SETTINGS_DEFAULTS[name] if value is None else value for name, value in changes.items()
    }
    if values:
        with transaction.atomic():
            # update(): only these columns, never a stale copy of the rest of the row.
            Installation.objects.filter(pk=installation.pk).update(
                **values, updated_at=timezone.now()
            )
            for name, value in values.items():
                setattr(installation, name, value)
    return installation
