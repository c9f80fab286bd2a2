"""The GraphQL API through Django's test client: installations with a signing key, dashboard
tokens minted as Saleor mints them, and a `gql` caller."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from saleor_automation.api.keys import api_key_create
from saleor_automation.saleor.models import Installation
from tests.saleor_emulator.dashboard_token import dashboard_token
from tests.saleor_emulator.ids import to_global_id
from tests.saleor_emulator.signing import SigningKey

ALL_PERMISSIONS = ["MANAGE_USERS", "MANAGE_APPS", "MANAGE_ORDERS"]


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        assert self.status == 200, self.body
        assert not self.body.get("errors"), self.body["errors"]
        return self.body["data"]

    @property
    def codes(self) -> list[str | None]:
        return [e.get("extensions", {}).get("code") for e in self.body.get("errors") or []]


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey()


def make_installation(key: SigningKey, name: str, app_pk: int = 1) -> Installation:
    # jwks_fetched_at = now: an unknown kid is refused at once instead of refetching from
    # a Saleor that does not exist (the refetch is tested against the emulator).
    return Installation.objects.create(
        saleor_api_url=f"https://{name}.example.com/graphql/",
        app_id=to_global_id("App", app_pk),
        token="t" * 30,
        jwks=key.jwks(),
        jwks_fetched_at=timezone.now(),
    )


@pytest.fixture
def installation(signing_key: SigningKey) -> Installation:
    return make_installation(signing_key, "shop-a")


@pytest.fixture(scope="session")
def other_signing_key() -> SigningKey:
    return SigningKey()


@pytest.fixture
def other_installation(other_signing_key: SigningKey) -> Installation:
    """Another Saleor with its own key and app id."""
    return make_installation(other_signing_key, "shop-b", app_pk=7)


def staff_token(
    key: SigningKey, installation: Installation, permissions: list[str] | None = None, **kw: Any
) -> str:
    return dashboard_token(
        key,
        api_url=installation.saleor_api_url,
        app_id=installation.app_id,
        user_permissions=ALL_PERMISSIONS if permissions is None else permissions,
        audience=settings.APP_BASE_URL,
        **kw,
    )


Gql = Callable[..., Answer]


@pytest.fixture
def gql(client: Client) -> Gql:
    """gql(query, variables=None, *, token=, api_url=, api_key=, headers=) -> Answer."""

    def call(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        api_url: str | None = None,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        extra = dict(headers or {})
        if token is not None:
            extra["authorization-bearer"] = token
        if api_url is not None:
            extra["saleor-api-url"] = api_url
        if api_key is not None:
            extra["authorization"] = f"Bearer {api_key}"
        response = client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=extra,
        )
        return Answer(response.status_code, response.json() if response.content else {})

    return call


@pytest.fixture
def as_staff(gql: Gql, signing_key: SigningKey, installation: Installation) -> Gql:
    """gql as a dashboard user of `installation` with every permission the API asks for."""

    def call(query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Answer:
        token = staff_token(signing_key, installation, kw.pop("permissions", None))
        return gql(query, variables, token=token, api_url=installation.saleor_api_url, **kw)

    return call


@pytest.fixture
def key_of(installation: Installation) -> Callable[[str], str]:
    def make(scope: str = "read") -> str:
        return api_key_create(installation=installation, name=f"{scope} key", scope=scope)[1]

    return make
