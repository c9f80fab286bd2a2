"""Listing API keys (dashboard users only)."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ..context import Info
from ..keys import api_key_list
from ..models import ApiKey
from ..permissions import KEYS_READ
from .types import ApiKeyType


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[ApiKeyType], extensions=KEYS_READ())
    def api_keys(self, info: Info) -> Iterable[ApiKey]:
        """Every key of the store, revoked ones included, newest first."""
        return api_key_list(installation=info.context.installation)
