"""What an installation decided for all its flows: its time zone, the frequency cap shared
across flows, what unknown consent means, whether consent needs confirming (double opt-in)
and its quiet hours. Each falls back to the
deployment default."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from ..saleor.models import Installation
from .caps import CapRule
from .localtime import QuietHours, get_zone, parse_quiet_hours


@dataclass(frozen=True)
class InstallationPolicy:
    timezone: str
    cap: CapRule | None
    assume_consent: bool
    quiet_hours: QuietHours | None = None  # for flows that set none of their own
    double_opt_in: bool = False


def _timezone(name: str) -> str:
    for candidate in (name, settings.DEFAULT_TIMEZONE):
        if candidate and get_zone(candidate) is not None:
            return candidate
    return "UTC"


def _quiet_hours(own: str) -> QuietHours | None:
    for candidate in (own, settings.QUIET_HOURS):
        if candidate:
            try:
                return parse_quiet_hours(candidate)
            except ValueError:
                continue  # refused when saved; a bad deployment value is a system check
    return None


def policy_of(
    timezone: str,
    cap_messages: int | None,
    cap_hours: int | None,
    assume_consent: bool | None,
    quiet_hours: str = "",
    double_opt_in: bool | None = None,
) -> InstallationPolicy:
    messages = settings.FREQUENCY_CAP_MESSAGES if cap_messages is None else cap_messages
    hours = settings.FREQUENCY_CAP_HOURS if cap_hours is None else cap_hours
    confirm = settings.DOUBLE_OPT_IN if double_opt_in is None else double_opt_in
    assume = settings.ASSUME_MARKETING_CONSENT if assume_consent is None else assume_consent
    return InstallationPolicy(
        timezone=_timezone(timezone),
        cap=CapRule(messages, timedelta(hours=hours)) if messages and hours else None,
        # Double opt-in: only a confirmed yes counts, so an unknown is never taken for one.
        assume_consent=assume and not confirm,
        quiet_hours=_quiet_hours(quiet_hours),
        double_opt_in=confirm,
    )


_COLUMNS = (
    "id",
    "timezone",
    "frequency_cap_messages",
    "frequency_cap_hours",
    "assume_marketing_consent",
    "quiet_hours",
    "double_opt_in",
)


def installation_policies(installation_ids: Collection[int]) -> dict[int, InstallationPolicy]:
    """One query for the policies of any number of installations."""
    rows = Installation.objects.filter(pk__in=list(installation_ids)).values_list(*_COLUMNS)
    return {pk: policy_of(*values) for pk, *values in rows}


def installation_policy(installation: Installation) -> InstallationPolicy:
    return policy_of(
        installation.timezone,
        installation.frequency_cap_messages,
        installation.frequency_cap_hours,
        installation.assume_marketing_consent,
        installation.quiet_hours,
        installation.double_opt_in,
    )


def installation_timezone(installation_id: int) -> str:
    """The zone for contacts with neither a zone nor a known country."""
    return (
        installation_policies([installation_id])
        .get(installation_id, policy_of("", None, None, None))
        .timezone
    )
