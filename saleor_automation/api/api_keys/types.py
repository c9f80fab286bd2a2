"""API keys as the API shows them: never the secret, except once in ApiKeyCreated."""

import strawberry
import strawberry_django
from strawberry import auto, relay

from ..models import ApiKey, ApiKeyScope

ApiKeyScopeEnum = strawberry.enum(ApiKeyScope, name="ApiKeyScope")


@strawberry_django.type(ApiKey, name="ApiKey")
class ApiKeyType(relay.Node):
    name: auto
    prefix: auto
    scope: ApiKeyScopeEnum
    created_at: auto
    last_used_at: auto
    revoked_at: auto


@strawberry.type
class ApiKeyCreated:
    api_key: ApiKeyType
    token: str = strawberry.field(
        description="The key to send as `Authorization: Bearer <token>`. Shown only now."
    )
