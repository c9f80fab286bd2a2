"""How Django serves the dashboard extension: index.html for every dashboard route (the
manifest's appUrl and extension URLs), hashed assets with a long cache, a clear page when
the build is missing, and frame headers that let the dashboard, and nobody else, frame it."""

import pytest
from django.test import override_settings
from django.utils import timezone

from saleor_automation.saleor.manifest import build_manifest
from saleor_automation.saleor.models import Installation

pytestmark = pytest.mark.django_db
INDEX = b"<!doctype html><div id=root></div><script src=/dashboard/assets/index-abc123.js></script>"


@pytest.fixture
def build(tmp_path, settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not an asset")
    settings.DASHBOARD_BUILD_DIR = tmp_path
    settings.DASHBOARD_ORIGINS = []
    return tmp_path


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/flows",
        "/dashboard/flows/RmxvdzoxMg==/edit",
        "/dashboard//flows",
        "/flows",
        "/flows/new",
        "/dashboard/widgets/customer?customerId=VXNlcjox",
        "/dashboard/actions/order?orderId=T3JkZXI6MQ==",
    ],
)
def test_every_dashboard_route_answers_with_the_page(client, build, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-cache"
    assert "X-Frame-Options" not in response


def test_a_post_widget_gets_the_same_page(client, build):
    """Widgets set to POST submit a form (saleorApiUrl, accessToken…): no CSRF, same page."""
    response = client.post("/dashboard/widgets/customer", {"accessToken": "x", "appId": "y"})
    assert response.status_code == 200
    assert response.content == INDEX


def test_frame_ancestors_are_installed_saleors_and_configured_origins(client, build, settings):
    assert client.get("/dashboard/")["Content-Security-Policy"] == "frame-ancestors 'none'"
    Installation.objects.create(
        saleor_api_url="https://shop.example.com/graphql/", app_id="QXBwOjE=", token="t" * 30
    )
    Installation.objects.create(
        saleor_api_url="http://127.0.0.1:8000/graphql/", app_id="QXBwOjI=", token="t" * 30
    )
    settings.DASHBOARD_ORIGINS = ["https://dashboard.saleor.io/", "not a url"]
    policy = client.get("/dashboard/flows")["Content-Security-Policy"]
    assert policy == (
        "frame-ancestors http://127.0.0.1:8000 https://dashboard.saleor.io https://shop.example.com"
    )


def test_an_uninstalled_saleor_may_no_longer_frame_the_pages(client, build):
    Installation.objects.create(
        saleor_api_url="https://gone.example.com/graphql/",
        app_id="QXBwOjE=",
        token="t" * 30,
        uninstalled_at=timezone.now(),
    )
    assert client.get("/dashboard/")["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_assets_are_cached_for_a_year_and_nothing_else_is_served(client, build):
    response = client.get("/dashboard/assets/index-abc123.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == b"console.log(1)"
    for path in [
        "/dashboard/assets/missing.js",
        "/dashboard/assets/..%2Fsecret.txt",
        "/dashboard/assets/%2E%2E%2Fsecret.txt",
    ]:
        assert client.get(path).status_code == 404, path


def test_without_a_build_the_page_says_to_run_make_dashboard(client, tmp_path, settings):
    settings.DASHBOARD_BUILD_DIR = tmp_path / "nothing"
    response = client.get("/dashboard/flows")
    assert response.status_code == 503
    assert b"make dashboard" in response.content
    assert response["Content-Security-Policy"].startswith("frame-ancestors")


def test_the_manifests_extensions_point_at_served_pages(client, build):
    with override_settings(APP_BASE_URL="https://automation.example.com"):
        manifest = build_manifest()
    extensions = {ext["identifier"]: ext for ext in manifest["extensions"]}
    assert extensions["flows"]["url"] == "/flows"  # APP_PAGE: relative, as the dashboard requires
    assert extensions["customer-journey"]["mount"] == "CUSTOMER_DETAILS_WIDGETS"
    assert extensions["customer-journey"]["options"] == {"widgetTarget": {"method": "GET"}}
    assert extensions["order-start-flow"]["mount"] == "ORDER_DETAILS_MORE_ACTIONS"
    assert extensions["order-start-flow"]["target"] == "POPUP"
    for extension in extensions.values():
        url = extension["url"].removeprefix("https://automation.example.com")
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == INDEX
        assert set(extension["permissions"]) <= set(manifest["permissions"])
