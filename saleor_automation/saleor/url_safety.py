"""Which Saleor API URLs the app may call. The register endpoint is unauthenticated and the
app POSTs the new token to the URL it is given, so an unchecked URL is an SSRF hole."""

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from django.conf import settings

from .exceptions import UnsafeSaleorUrl


def saleor_origin(api_url: str) -> str:
    """`https://shop.example.com` for `https://shop.example.com/graphql/`."""
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


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
