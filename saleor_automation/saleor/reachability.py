"""Send-time reads from Saleor that stop asking for a while once Saleor is unreachable.

    saleor_read(installation, name, variables) -> dict

A send re-reads a checkout or loads product cards right before rendering (checkout_recovery,
product_cards). While an installation's Saleor is down, every queued message of it would
otherwise wait up to SALEOR_HTTP_TIMEOUT for its own failure; after one transport failure
the next UNREACHABLE_FOR seconds fail at once, without a request, in every process sharing
the cache (settings.CACHE_URL). The caller treats both alike: try again later.
"""

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache

from .client import SaleorClient
from .exceptions import SaleorTransportError
from .models import Installation

# Seconds; shorter than messaging's first retry of a deferred send (a minute), so that
# retry finds Saleor asked again rather than still marked.
UNREACHABLE_FOR = 30
CACHE_PREFIX = "saleor_automation:saleor-unreachable"


def _key(installation: Installation) -> str:
    return f"{CACHE_PREFIX}:{installation.pk}"


def saleor_read(
    installation: Installation, name: str, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """SaleorClient.execute, or SaleorTransportError at once while the installation's Saleor
    was found unreachable in the last UNREACHABLE_FOR seconds."""
    if cache.get(_key(installation)) is not None:
        raise SaleorTransportError(f"{name}: not asked, Saleor was unreachable moments ago")
    try:
        return SaleorClient.for_installation(installation).execute(name, dict(variables))
    except SaleorTransportError:
        cache.set(_key(installation), 1, UNREACHABLE_FOR)
        raise
