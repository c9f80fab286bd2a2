"""The emulator's own records: installed apps, their webhooks, and what the app sent us."""

import json
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from .ids import new_global_id
from .values import iso, now

_TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_app_token() -> str:
    """Saleor's app tokens are 30 random characters (only 30-char tokens are app tokens)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(30))


@dataclass
class WebhookRecord:
    app: "AppRecord"
    name: str
    target_url: str
    query: str
    async_events: list[str]  # WebhookEventTypeAsyncEnum names
    sync_events: list[str] = field(default_factory=list)
    is_active: bool = True
    identifier: str | None = None
    custom_headers: dict[str, str] = field(default_factory=dict)
    id: str = field(default_factory=lambda: new_global_id("Webhook"))

    def to_graphql(self) -> dict:
        return {
            "__typename": "Webhook",
            "id": self.id,
            "name": self.name,
            "identifier": self.identifier,
            "targetUrl": self.target_url,
            "isActive": self.is_active,
            "secretKey": None,
            "subscriptionQuery": self.query,
            "customHeaders": json.dumps(self.custom_headers),
            "asyncEvents": [
                {"eventType": e, "name": e.replace("_", " ").capitalize()}
                for e in self.async_events
            ],
            "syncEvents": [
                {"eventType": e, "name": e.replace("_", " ").capitalize()} for e in self.sync_events
            ],
            "events": [],
            "app": lambda _info: self.app.to_graphql(),
        }


@dataclass
class AppRecord:
    identifier: str
    name: str
    version: str | None = None
    permissions: list[str] = field(default_factory=list)
    token: str | None = None
    is_active: bool = True
    removed: bool = False
    manifest_url: str | None = None
    app_url: str | None = None
    token_target_url: str | None = None
    audience: str | None = None
    author: str | None = None
    about: str | None = None
    brand_logo: str | None = None
    extensions: list[dict] = field(default_factory=list)
    webhooks: list[WebhookRecord] = field(default_factory=list)
    metadata: list[dict] = field(default_factory=list)
    private_metadata: list[dict] = field(default_factory=list)
    created: str = field(default_factory=lambda: iso(now()))
    id: str = field(default_factory=lambda: new_global_id("App"))

    @property
    def can_authenticate(self) -> bool:
        """Saleor's token loader filters is_active=True and removed_at IS NULL."""
        return self.is_active and not self.removed

    def to_graphql(self) -> dict:
        return {
            "__typename": "App",
            "id": self.id,
            "identifier": self.identifier,
            "name": self.name,
            "version": self.version,
            "isActive": self.is_active,
            "type": "THIRDPARTY",
            "created": self.created,
            "permissions": [
                {"code": code, "name": code.replace("_", " ").capitalize()}
                for code in self.permissions
            ],
            "webhooks": lambda _info: [w.to_graphql() for w in self.webhooks],
            "extensions": [
                {**extension, "app": lambda _info: self.to_graphql()}
                for extension in self.extensions
            ],
            "aboutApp": self.about,
            "author": self.author,
            "appUrl": self.app_url,
            "configurationUrl": self.app_url,
            "manifestUrl": self.manifest_url,
            "homepageUrl": None,
            "supportUrl": None,
            "dataPrivacy": None,
            "dataPrivacyUrl": None,
            "accessToken": None,
            "tokens": None,
            "brand": {"logo": {"default": self.brand_logo}} if self.brand_logo else None,
            "breakerState": "CLOSED",
            "breakerLastStateChange": None,
            "problems": [],
            "metadata": self.metadata,
            "privateMetadata": self.private_metadata,
        }


@dataclass(frozen=True)
class GraphQLRequest:
    """One request the app made to the emulated Saleor API."""

    operation_name: str | None  # as sent, else the name in the document
    query: str
    variables: dict[str, Any]
    token: str | None  # the bearer token as sent (None without Authorization)
    app_id: str | None  # the app the token authenticated, None when it ran anonymously
    status: int
    response: dict[str, Any]
