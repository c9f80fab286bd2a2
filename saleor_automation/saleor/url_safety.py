"""Which URLs the app may call. The register endpoint is unauthenticated and the app POSTs the
new token to the URL it is given, and flow webhooks go to URLs a store operator typed: an
unchecked URL is an SSRF hole (cloud metadata, the database, services on the host)."""

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from django.conf import settings

from .exceptions import UnsafeSaleorUrl, UnsafeUrl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def saleor_origin(api_url: str) -> str:
    """`https://shop.example.com` for `https://shop.example.com/graphql/`."""
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}"


def _addresses(host: str) -> list[IPAddress]:
    """Every address `host` resolves to, in resolver order (empty when it does not)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    found: list[IPAddress] = []
    for info in infos:
        # An IPv6 link-local answer carries its zone ("fe80::1%eth0").
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def _is_global(address: IPAddress) -> bool:
    # is_global alone lets multicast through; a mapped IPv4 is judged as the IPv4 it maps.
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return _is_global(mapped)
    return address.is_global and not address.is_multicast


def _is_public(host: str) -> bool:
    addresses = _addresses(host)
    return bool(addresses) and all(_is_global(address) for address in addresses)


def public_url_addresses(url: str) -> list[IPAddress]:
    """The addresses `url`'s host resolves to, for connecting to exactly those (a second
    lookup at connect time could answer differently: DNS rebinding).

    Raises UnsafeUrl for anything but an absolute http(s) URL, a host that does not
    resolve, or, unless ALLOW_PRIVATE_SALEOR_URLS is on, any address that is loopback,
    private, link-local or otherwise not public.
    """
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (raises for a malformed port)
    except ValueError as exc:
        raise UnsafeUrl("the URL has an invalid port") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeUrl("the URL must be an absolute http(s) URL")
    addresses = _addresses(parts.hostname)
    if not addresses:
        raise UnsafeUrl("the URL's host does not resolve")
    if not settings.ALLOW_PRIVATE_SALEOR_URLS and not all(_is_global(a) for a in addresses):
        raise UnsafeUrl("the URL's host resolves to a loopback, private or link-local address")
    return addresses


def check_public_url(url: str) -> None:
    """Raise UnsafeUrl unless the app may call `url` (see public_url_addresses)."""
    public_url_addresses(url)


def check_saleor_api_url(api_url: str) -> None:
    """Raise UnsafeSaleorUrl unless the app may register and call this Saleor API URL."""
    parts = urlsplit(api_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeSaleorUrl("Saleor-Api-Url must be an absolute http(s) URL.")
    if not re.fullmatch(settings.ALLOWED_SALEOR_URLS, api_url):
        raise UnsafeSaleorUrl("This Saleor instance is not allowed to install the app.")
    if settings.ALLOW_PRIVATE_SALEOR_URLS:
        return
    if parts.scheme != "https":
        raise UnsafeSaleorUrl("Saleor-Api-Url must use https.")
    if not _is_public(parts.hostname):
        raise UnsafeSaleorUrl("Saleor-Api-Url must resolve to a public address.")
