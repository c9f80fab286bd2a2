"""Creating and revoking API keys (dashboard users only: a key cannot mint keys)."""

import strawberry
import strawberry_django
from strawberry import relay

from ..context import Info
from ..errors import not_found
from ..ids import node_pk
from ..keys import api_key_create, api_key_revoke
from ..models import ApiKey
from ..permissions import KEYS_WRITE
from .types import ApiKeyCreated, ApiKeyScopeEnum, ApiKeyType


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=KEYS_WRITE())
    def api_key_create(
        self, info: Info, name: str, scope: ApiKeyScopeEnum = ApiKeyScopeEnum.READ
    ) -> ApiKeyCreated:
        key, token = api_key_create(
            installation=info.context.installation, name=name, scope=scope.value
        )
        return ApiKeyCreated(api_key=key, token=token)  # type: ignore[arg-type]

    @strawberry_django.mutation(handle_django_errors=True, extensions=KEYS_WRITE())
    def api_key_revoke(self, info: Info, id: relay.GlobalID) -> ApiKeyType:
        pk = node_pk(id, "ApiKey")
        try:
            if pk is None:
                raise ApiKey.DoesNotExist
            key = api_key_revoke(installation=info.context.installation, key_id=pk)
        except ApiKey.DoesNotExist:
            raise not_found("API key") from None
        return key  # type: ignore[return-value]
