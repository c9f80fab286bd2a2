"""Small Saleor value shapes shared by the factories: money, dates, countries, metadata."""

from collections.abc import Mapping
from datetime import UTC, datetime

# CountryDisplay.country for the countries tests use; anything else shows its code.
COUNTRY_NAMES = {
    "US": "United States of America",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "PL": "Poland",
    "NL": "Netherlands",
    "ES": "Spain",
    "IT": "Italy",
    "CA": "Canada",
    "AU": "Australia",
}


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Saleor's DateTime: microsecond ISO-8601 in UTC with +00:00."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def money(amount: float, currency: str) -> dict:
    rounded = round(float(amount), 2)
    return {
        "amount": rounded,
        "currency": currency,
        "fractionalAmount": round(rounded * 100),
        "fractionDigits": 2,
    }


def taxed_money(amount: float, currency: str) -> dict:
    """Gross = net: the emulated shop charges no tax."""
    return {
        "currency": currency,
        "gross": money(amount, currency),
        "net": money(amount, currency),
        "tax": money(0, currency),
    }


def country(code: str) -> dict:
    return {"code": code, "country": COUNTRY_NAMES.get(code, code), "vat": None}


def metadata_items(values: Mapping[str, str] | None) -> list[dict]:
    """Saleor metadata is a list of {key, value} strings."""
    return [{"key": key, "value": str(value)} for key, value in (values or {}).items()]
