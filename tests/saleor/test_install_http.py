"""Installing the app the way Saleor does, over real HTTP (PROTOCOL.md §1-2)."""

import pytest
from django.db import connection

from saleor_automation.saleor.models import Installation
from saleor_automation.saleor.webhook_sync import webhooks_sync
from tests.saleor_emulator import SaleorEmulator

pytestmark = pytest.mark.django_db(transaction=True)


def test_install_stores_the_installation_with_its_token_encrypted(saleor_emulator, app_url):
    result = saleor_emulator.install(f"{app_url}/api/manifest")

    assert result.ok, result.message
    installation = Installation.objects.get(saleor_api_url=saleor_emulator.api_url)
    assert installation.app_id == result.app_id
    assert installation.token == result.token
    assert installation.is_active
    assert set(installation.granted_permissions) == {
        "MANAGE_CHECKOUTS",
        "MANAGE_ORDERS",
        "MANAGE_USERS",
        "MANAGE_DISCOUNTS",
    }
    assert installation.saleor_version == saleor_emulator.version
    assert installation.jwks["keys"][0]["kid"] == saleor_emulator.key.kid
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM saleor_automation_installation")
        (stored,) = cursor.fetchone()
    assert result.token not in stored
    # The register view proved the token with AppIdentity before storing it.
    assert "AppIdentity" in saleor_emulator.operations()


def test_reinstall_overwrites_the_same_installation(saleor_emulator, app_url):
    first = saleor_emulator.install(f"{app_url}/api/manifest")
    saleor_emulator.delete_app()
    second = saleor_emulator.install(f"{app_url}/api/manifest")

    assert second.ok and second.app_id != first.app_id
    installation = Installation.objects.get()
    assert (installation.app_id, installation.token) == (second.app_id, second.token)


def test_inactive_install_is_refused_with_a_message_saleor_shows(saleor_emulator, app_url):
    result = saleor_emulator.install(f"{app_url}/api/manifest", activate=False)

    assert not result.ok
    assert "activate after installation" in result.message
    assert not Installation.objects.exists()


def test_a_saleor_outside_the_allowlist_cannot_install(saleor_emulator, app_url, settings):
    settings.ALLOWED_SALEOR_URLS = r"https://shop\.example\.com/graphql/"

    result = saleor_emulator.install(f"{app_url}/api/manifest")

    assert not result.ok
    assert "not allowed" in result.message
    assert not Installation.objects.exists()
    # Refused before any call to the unknown URL (it could be an SSRF target).
    assert saleor_emulator.operations() == []


def test_register_refuses_malformed_requests(client, saleor_emulator):
    url = "/api/register"
    api = {"HTTP_SALEOR_API_URL": saleor_emulator.api_url}
    assert client.get(url).status_code == 405
    assert client.post(url, {"auth_token": "x"}, content_type="application/json").status_code == 400
    assert client.post(url, "nope", content_type="application/json", **api).status_code == 400
    response = client.post(url, {"auth_token": ""}, content_type="application/json", **api)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MISSING_AUTH_TOKEN"
    # A token Saleor does not know: the AppIdentity check fails, nothing is stored.
    response = client.post(url, {"auth_token": "x" * 30}, content_type="application/json", **api)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNKNOWN_APP_ID"
    assert not Installation.objects.exists()


def test_sync_webhooks_converges_to_the_manifest(saleor_emulator, installed, settings):
    app = saleor_emulator.app
    # A deploy moved the app, and an old webhook of ours lingers.
    settings.APP_BASE_URL = "https://moved.example.com"
    saleor_emulator.graphql(
        """mutation { webhookCreate(input: {name: "automation: retired",
           targetUrl: "https://old.example.com/x", asyncEvents: [ORDER_CREATED],
           query: "subscription { event { ... on OrderCreated { order { id } } } }"}) {
           errors { message } } }""",
        token=app.token,
    )

    result = webhooks_sync(installed)

    assert result.created == [] and result.deleted == ["automation: retired"]
    assert len(result.updated) == 5
    assert {hook.target_url.split("/api/")[0] for hook in app.webhooks} == {
        "https://moved.example.com"
    }
    again = webhooks_sync(installed)
    assert not again.changed and len(again.unchanged) == 5


def test_sync_webhooks_command_reports_each_installation(saleor_emulator, installed, capsys):
    from django.core.management import call_command

    call_command("sync_webhooks")

    out = capsys.readouterr().out
    assert f"{saleor_emulator.api_url}: created 0, updated 0, deleted 0, unchanged 5" in out


def test_two_saleor_instances_get_two_installations(saleor_schema, app_url):
    with SaleorEmulator(saleor_schema) as first, SaleorEmulator(saleor_schema) as second:
        assert first.install(f"{app_url}/api/manifest").ok
        assert second.install(f"{app_url}/api/manifest").ok
        rows = Installation.objects.order_by("pk")
        assert [row.saleor_api_url for row in rows] == [first.api_url, second.api_url]
        assert rows[0].jwks != rows[1].jwks
