import pytest
from django.test import override_settings

from saleor_automation.saleor.event_types import WEBHOOKS
from saleor_automation.saleor.manifest import build_manifest


@pytest.fixture
def manifest(client):
    with override_settings(APP_BASE_URL="https://automation.example.com"):
        response = client.get("/api/manifest")
        assert response.status_code == 200
        yield response.json()


def test_manifest_declares_what_the_app_needs(manifest):
    assert manifest["id"] and manifest["name"] and manifest["version"]
    assert set(manifest["permissions"]) == {
        "MANAGE_CHECKOUTS",
        "MANAGE_ORDERS",
        "MANAGE_USERS",
        "MANAGE_DISCOUNTS",
    }
    assert manifest["tokenTargetUrl"] == "https://automation.example.com/api/register"
    assert manifest["requiredSaleorVersion"] == ">=3.22 <4"
    assert manifest["brand"]["logo"]["default"].endswith(".png")
    assert [hook["name"] for hook in manifest["webhooks"]] == [w.name for w in WEBHOOKS]
    for hook in manifest["webhooks"]:
        assert hook["targetUrl"].startswith("https://automation.example.com/api/webhooks/")
        assert hook["query"].lstrip().startswith("subscription")
        assert hook["asyncEvents"] and all(e == e.upper() for e in hook["asyncEvents"])


@pytest.mark.django_db  # the dashboard pages list installed Saleors in frame-ancestors
def test_every_manifest_url_answers_without_redirect(client, manifest):
    """Saleor follows no redirects: each URL must be served exactly as written."""
    urls = [manifest["tokenTargetUrl"], manifest["brand"]["logo"]["default"], manifest["appUrl"]]
    urls += [hook["targetUrl"] for hook in manifest["webhooks"]]
    urls += [extension["url"] for extension in manifest["extensions"]]
    for url in urls:
        path = url.removeprefix("https://automation.example.com")
        response = client.get(path) if "webhooks" not in path else client.post(path)
        assert response.status_code not in (301, 302, 307, 308), url
        assert response.status_code != 404, url


def test_logo_is_a_square_png_of_at_least_256_px(client):
    response = client.get("/static/logo-512.png")
    data = b"".join(response.streaming_content)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == height >= 256


def test_manifest_urls_come_from_settings_not_the_host_header(client):
    with override_settings(APP_BASE_URL="https://a.example"):
        response = client.get("/api/manifest", HTTP_HOST="evil.example")
    assert "evil.example" not in response.content.decode()
    assert build_manifest  # the view is a thin wrapper around build_manifest
