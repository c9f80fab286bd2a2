"""The stats page in the browser, against a flow with real activity: recipients filtered by
channel, the CSV export through the dashboard's credentials, and the dashboard's narrow
width; and the page of a flow with nothing in it yet."""

import csv
import io
from datetime import timedelta

import pytest
from strawberry.relay import to_base64

from saleor_automation.flows.services import flow_activate, flow_create

from .store import EXPECTED_GRAPH, Store, metric

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flow_with_a_send(installed, saleor_emulator):
    """The builder test's flow, active, after one abandoned cart went all the way through."""
    flow = flow_create(installation=installed, name="Recover carts", graph=EXPECTED_GRAPH)
    flow_activate(flow=flow)
    store = Store(saleor_emulator, installed)
    abandoned_at = store.abandon_cart("ana@example.com")
    store.run(abandoned_at + timedelta(minutes=1, seconds=5))
    store.run(abandoned_at + timedelta(minutes=2, seconds=10))
    return flow


def test_recipients_csv_and_narrow_width(dashboard_page, dashboard_host, flow_with_a_send):
    page = dashboard_host.page
    page.set_viewport_size({"width": 390, "height": 900})
    frame = dashboard_page(f"/flows/{to_base64('Flow', flow_with_a_send.pk)}/stats")
    frame.wait_for_selector('[data-testid="numbers-send_email_1"]')
    assert metric(frame, "send_email_1", "sent") == "1"
    # Nothing wider than the dashboard's column: no sideways scrolling of the page.
    assert frame.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    table = frame.locator('[data-testid="recipients-table"]')
    assert "ana@example.com" in table.inner_text()
    frame.get_by_label("Channel").select_option("SMS")
    frame.wait_for_selector('[data-testid="recipients"] >> text=No recipients yet')
    # Keyboard: Tab goes from one filter to the next.
    frame.get_by_label("Node", exact=True).focus()
    page.keyboard.press("Tab")
    assert frame.evaluate("() => document.activeElement.id") == frame.get_by_label(
        "Channel"
    ).get_attribute("id")
    frame.get_by_label("Channel").select_option("EMAIL")
    table.wait_for()
    assert "ana@example.com" in table.inner_text()

    with page.expect_download() as download_info:
        frame.get_by_role("button", name="Export stats (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("flow-stats-")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("send_email_1" in row for row in rows[1:]), rows
    dashboard_host.screenshot("stats-narrow")


def test_a_flow_without_nodes(dashboard_page, installed):
    flow = flow_create(installation=installed, name="Empty")
    frame = dashboard_page(f"/flows/{to_base64('Flow', flow.pk)}/stats")
    frame.wait_for_selector("text=This flow has no nodes yet")
    assert frame.get_by_role("link", name="Open the builder").is_visible()
