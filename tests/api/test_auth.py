"""Who may call: dashboard JWTs verified per PROTOCOL.md §5.4, API keys, and the refusals."""

import time

import pytest
from django.conf import settings

from saleor_automation.api.keys import api_key_revoke
from saleor_automation.api.models import ApiKey
from saleor_automation.saleor.models import Installation
from tests.saleor_emulator.dashboard_token import dashboard_token
from tests.saleor_emulator.signing import SigningKey

from .conftest import staff_token

pytestmark = pytest.mark.django_db

SETTINGS = "{ installationSettings { saleorApiUrl } }"
CREATE = 'mutation { flowCreate(name: "Welcome") { ... on Flow { name } } }'


def test_a_dashboard_user_reads_their_store(as_staff, installation):
    answer = as_staff(SETTINGS)
    assert answer.data == {"installationSettings": {"saleorApiUrl": installation.saleor_api_url}}


def _refused(answer, reason: str) -> None:
    assert answer.status == 401, answer.body
    assert answer.codes == ["UNAUTHENTICATED"]
    assert reason in answer.body["errors"][0]["message"]


def test_no_credentials_is_401(gql):
    _refused(gql(SETTINGS), "authentication required")


def test_get_is_not_served(client):
    assert client.get("/graphql/").status_code == 405


def test_an_expired_token_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation, issued_at=time.time() - 600)
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "expired")


def test_a_token_without_exp_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation, exp=None)
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "invalid token")


def test_a_token_of_another_app_on_the_same_saleor_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation, app="QXBwOjk5")
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "another app")


def test_a_token_for_another_audience_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation, aud="https://evil.example.com")
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "invalid token")


def test_a_token_without_audience_is_accepted(gql, signing_key, installation):
    """Installed before the manifest named an audience: Saleor puts no `aud` claim."""
    token = staff_token(signing_key, installation, aud=None)
    assert gql(SETTINGS, token=token, api_url=installation.saleor_api_url).status == 200


def test_a_token_for_another_installation_is_refused(
    gql, signing_key, installation, other_installation
):
    """A valid token of store A presented with store B's URL: B's keys do not verify it."""
    token = staff_token(signing_key, installation)
    _refused(gql(SETTINGS, token=token, api_url=other_installation.saleor_api_url), "not signed")


def test_a_token_naming_another_issuer_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation, iss="https://other.example.com/graphql/")
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "another Saleor")


def test_an_unknown_saleor_url_is_refused(gql, signing_key, installation):
    token = staff_token(signing_key, installation)
    _refused(gql(SETTINGS, token=token, api_url="https://nobody.example.com/graphql/"), "unknown")


def test_a_missing_saleor_api_url_is_refused(gql, signing_key, installation):
    _refused(gql(SETTINGS, token=staff_token(signing_key, installation)), "saleor-api-url")


def test_an_hs256_token_is_refused(gql, installation):
    import jwt

    token = jwt.encode({"exp": time.time() + 60, "app": installation.app_id}, "x" * 32)
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "algorithm")


def test_an_uninstalled_store_is_refused(gql, signing_key, installation):
    Installation.objects.filter(pk=installation.pk).update(uninstalled_at="2026-01-01T00:00Z")
    token = staff_token(signing_key, installation)
    _refused(gql(SETTINGS, token=token, api_url=installation.saleor_api_url), "unknown")


def test_a_missing_permission_is_forbidden_on_that_field(as_staff):
    answer = as_staff(SETTINGS, permissions=["MANAGE_ORDERS"])
    assert answer.status == 200
    assert answer.codes == ["FORBIDDEN"]
    assert answer.body["data"] is None


def test_permissions_are_per_operation(as_staff):
    """MANAGE_USERS reads and edits flows; backfill also needs MANAGE_ORDERS, settings and
    keys MANAGE_APPS."""
    users = ["MANAGE_USERS"]
    assert as_staff(CREATE, permissions=users).data["flowCreate"] == {"name": "Welcome"}
    assert as_staff("mutation { backfillStart { __typename } }", permissions=users).codes == [
        "FORBIDDEN"
    ]
    update = "mutation { installationSettingsUpdate(input: {timezone: null}) { __typename } }"
    assert as_staff(update, permissions=users).codes == ["FORBIDDEN"]
    assert as_staff("{ apiKeys { totalCount } }", permissions=users).codes == ["FORBIDDEN"]
    assert as_staff("{ apiKeys { totalCount } }", permissions=["MANAGE_APPS"]).status == 200


def test_a_read_key_reads_and_cannot_write(gql, key_of, installation):
    key = key_of("read")
    assert gql(SETTINGS, api_key=key).data["installationSettings"]["saleorApiUrl"]
    answer = gql(CREATE, api_key=key)
    assert answer.codes == ["FORBIDDEN"]


def test_a_read_write_key_writes_but_cannot_manage_keys(gql, key_of):
    key = key_of("read_write")
    assert gql(CREATE, api_key=key).data["flowCreate"] == {"name": "Welcome"}
    assert gql("{ apiKeys { totalCount } }", api_key=key).codes == ["FORBIDDEN"]
    create_key = 'mutation { apiKeyCreate(name: "x") { __typename } }'
    assert gql(create_key, api_key=key).codes == ["FORBIDDEN"]


def test_a_bad_key_is_refused(gql, key_of):
    key = key_of("read")
    _refused(gql(SETTINGS, api_key=key[:-2] + "xx"), "invalid API key")
    _refused(gql(SETTINGS, api_key="sak_nothing"), "invalid API key")
    _refused(gql(SETTINGS, api_key="not-a-key"), "invalid API key")


def test_a_revoked_key_is_refused(gql, key_of, installation):
    key = key_of("read_write")
    api_key_revoke(installation=installation, key_id=ApiKey.objects.get().pk)
    _refused(gql(SETTINGS, api_key=key), "invalid API key")


def test_a_key_named_with_another_saleor_url_is_refused(gql, key_of, other_installation):
    answer = gql(SETTINGS, api_key=key_of("read"), api_url=other_installation.saleor_api_url)
    _refused(answer, "another Saleor")


def test_a_key_records_when_it_was_last_used(gql, key_of):
    key = key_of("read")
    assert ApiKey.objects.get().last_used_at is None
    gql(SETTINGS, api_key=key)
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_rotated_saleor_key_is_fetched_once(gql, saleor_emulator):
    """An unknown kid refetches the JWKS (rate-limited), like webhook signatures do."""
    old = SigningKey()
    installation = Installation.objects.create(
        saleor_api_url=saleor_emulator.api_url, app_id="QXBwOjE=", jwks=old.jwks()
    )
    token = dashboard_token(
        saleor_emulator.key,
        api_url=installation.saleor_api_url,
        app_id=installation.app_id,
        user_permissions=["MANAGE_USERS"],
        audience=settings.APP_BASE_URL,
    )
    answer = gql(SETTINGS, token=token, api_url=installation.saleor_api_url)
    assert answer.status == 200, answer.body
    installation.refresh_from_db()
    assert installation.jwks == saleor_emulator.key.jwks()
