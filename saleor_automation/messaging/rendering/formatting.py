"""Prices and dates as the reader expects them (Babel, CLDR data).

locale_choose(language, country) -> str
money(amount, currency, locale) -> str
date_local(value, locale, timezone) -> str
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

DEFAULT_LOCALE = "en"


def _parse(identifier: str) -> Locale | None:
    try:
        return Locale.parse(identifier.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def locale_choose(language: str, country: str = "") -> str:
    """The Babel locale for a language code ("de-AT", "DE_AT", "de") and a country ("AT"):
    the language's own region first, then the country's (a German speaker in Austria
    writes 1.234,50 € like one in Germany, but reads "Jänner"), then the language alone,
    then English. Unknown combinations (de_US) fall through."""
    parts = (language or "").replace("_", "-").split("-")
    primary = parts[0].lower()
    candidates = []
    if primary:
        if len(parts) > 1:
            candidates.append("_".join([primary, *parts[1:]]))
        if country:
            candidates.append(f"{primary}_{country.upper()}")
        candidates.append(primary)
    for identifier in candidates:
        found = _parse(identifier)
        if found is not None:
            return str(found)
    return DEFAULT_LOCALE


def _amount(value: object) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def money(amount: object, currency: str, locale: str) -> str:
    """1234.5, "EUR", "de_DE" -> "1.234,50 €"; without a currency, the number alone. A value
    that is not a number comes back as it was (content data is never trusted)."""
    value = _amount(amount)
    if value is None:
        return "" if amount is None else str(amount)
    currency = (currency or "").upper()
    if currency and currency in get_global("all_currencies"):
        return format_currency(value, currency, locale=locale)
    if currency:
        # Babel formats unknown codes too, but a typo must not pass for a currency symbol.
        return f"{format_decimal(value, format='#,##0.00', locale=locale)} {currency}"
    return format_decimal(value, locale=locale)


def date_local(value: object, locale: str, timezone: str = "UTC") -> str:
    """A moment (ISO text or datetime) as its local date in the reader's zone, in the
    locale's long format ("22. Juni 2026", "June 22, 2026")."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            try:
                zone = ZoneInfo(timezone or "UTC")
            except (ZoneInfoNotFoundError, ValueError):
                zone = ZoneInfo("UTC")
            value = value.astimezone(zone)
        value = value.date()
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return format_date(value, format="long", locale=locale)
