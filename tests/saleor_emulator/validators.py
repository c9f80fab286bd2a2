"""Field checks Saleor applies to app input: URLs, custom headers, version ranges."""

import ipaddress
import re
from urllib.parse import urlsplit

_HOSTNAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$", re.I)
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$")
_COMPARATOR = re.compile(r"^(>=|<=|>|<|=)?\s*v?(\S+)$")


def _valid_host(host: str, *, tld_required: bool) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    if _HOSTNAME.match(host):
        return True
    return not tld_required and all(_LABEL.match(label) for label in host.split("."))


def is_valid_url(url: object, schemes: frozenset[str], *, tld_required: bool = True) -> bool:
    """Django's URLValidator (tld_required=True) or pydantic's AnyUrl without TLD rule."""
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    return (
        parts.scheme in schemes
        and bool(host)
        and (port is None or 0 < port < 65536)
        and _valid_host(host, tld_required=tld_required)
    )


def custom_headers_error(headers: object) -> str | None:
    """Saleor's custom_headers_validator: at most 5; X-*, Authorization* or BrokerProperties."""
    if not isinstance(headers, dict):
        return "Custom headers must be an object."
    if len(headers) > 5:
        return "Number of custom headers exceeds the limit of 5."
    for key, value in headers.items():
        if not isinstance(value, str):
            return f'"{key}" does not have a string value.'
        lowered = key.lower()
        if not (
            lowered.startswith("x-")
            or lowered.startswith("authorization")
            or lowered == "brokerproperties"
        ):
            return (
                f'"{key}" does not match allowed key pattern: '
                '"X-*", "Authorization*", "BrokerProperties".'
            )
        if len(key) + len(value) > 998:
            return f'Header "{key}" exceeds 998 characters.'
    return None


def parse_version(text: str) -> tuple:
    """A sortable key; a pre-release sorts before its release (semver)."""
    match = _VERSION.match(text.strip())
    if not match:
        raise ValueError(f"not a version: {text!r}")
    major, minor, patch, pre = match.groups()
    release = (int(major), int(minor or 0), int(patch or 0))
    if pre is None:
        return (*release, 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (*release, 0, parts)


def version_satisfies(version: str, spec: str) -> bool:
    """npm-style ranges of comparators (`>=3.22 <4`, alternatives with `||`).

    Pre-releases match "naturally" (Saleor's RequiredSaleorVersionSpec): 3.24.0-a.0 is
    simply lower than 3.24.0. Raises ValueError for syntax the emulator does not know.
    """
    current = parse_version(version)
    for alternative in spec.split("||"):
        comparators = alternative.split()
        if not comparators:
            raise ValueError(f"empty range in {spec!r}")
        if all(_compare(current, comparator) for comparator in comparators):
            return True
    return False


def _compare(current: tuple, comparator: str) -> bool:
    match = _COMPARATOR.match(comparator)
    if not match:
        raise ValueError(f"unsupported comparator {comparator!r}")
    operator, target = match.groups()
    bound = parse_version(target)
    if operator in (None, "="):
        # A partial version is an x-range: "3.24" is any 3.24.x.
        given = len(target.split("-")[0].split("."))
        return current[:given] == bound[:given] and ("-" not in target or current == bound)
    checks = {
        ">=": current >= bound,
        "<=": current <= bound,
        ">": current > bound,
        "<": current < bound,
    }
    return checks[operator]
