"""The flow builder in the browser: an operator builds a cart-abandonment flow by dragging
nodes from the palette and drawing edges between handles, fills the inspector, saves,
activates after the confirmation, and watches the stats page count the checkouts the
emulated Saleor sends."""

from datetime import timedelta

import pytest
from strawberry.relay import to_base64

from saleor_automation.flows.models import Flow, FlowStatus, VersionState
from saleor_automation.flows.services import flow_create
from saleor_automation.flows.templates import TEMPLATES, flow_create_from_template
from saleor_automation.messaging.models import Message, MessageStatus

from .store import BODY, EXPECTED_GRAPH, Store, metric, wait_for_metric

pytestmark = pytest.mark.django_db(transaction=True)


def drop(frame, kind: str, x: int, y: int) -> None:
    """Drag a palette item onto the canvas at (x, y) of the canvas box."""
    source, canvas = f'[data-testid="palette-{kind}"]', '[data-testid="canvas"]'
    frame.drag_and_drop(source, canvas, target_position={"x": x, "y": y})


def wire(page, frame, source: str, label: str, target: str) -> None:
    """Press on a node's output handle and release over the target node's input handle."""
    start = frame.locator(f'[data-testid="handle-{source}-{label}"]').bounding_box()
    end = frame.locator(f'.react-flow__node[data-id="{target}"] .react-flow__handle.target')
    end_box = end.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end_box["x"] + 2, end_box["y"] + 2, steps=8)
    page.mouse.move(end_box["x"] + end_box["width"] / 2, end_box["y"] + end_box["height"] / 2)
    page.mouse.up()


def wait_for_preview(frame, text: str) -> None:
    frame.wait_for_function(
        "(text) => document.querySelector('[data-testid=email-preview]')"
        "?.getAttribute('srcdoc')?.includes(text)",
        arg=text,
    )


def select(frame, node_id: str) -> None:
    frame.locator(f'.react-flow__node[data-id="{node_id}"]').click()
    frame.wait_for_selector(f'[data-testid="inspector"]:has-text("id {node_id}")')


def test_build_save_activate_and_watch_the_stats(dashboard_page, dashboard_host, installed):
    flow = flow_create(installation=installed, name="Recover carts")
    flow_id = to_base64("Flow", flow.pk)
    frame = dashboard_page(f"/flows/{flow_id}/edit")
    page = dashboard_host.page
    frame.wait_for_selector('[data-testid="builder"]')

    # Four nodes dragged from the palette, top to bottom.
    for index, kind in enumerate(["trigger", "wait", "send_email", "exit"]):
        drop(frame, kind, 240, 60 + index * 130)
    for node_id in ("trigger", "wait_1", "send_email_1", "exit"):
        frame.wait_for_selector(f'[data-testid="node-{node_id}"]')
    # Zoom stays at 1 so the handles are where the nodes were dropped.
    wire(page, frame, "trigger", "next", "wait_1")
    wire(page, frame, "wait_1", "next", "send_email_1")
    wire(page, frame, "send_email_1", "next", "exit")
    assert frame.locator(".react-flow__edge").count() == 3

    # An edge drawn again from the same output replaces the first one: still three.
    wire(page, frame, "trigger", "next", "wait_1")
    assert frame.locator(".react-flow__edge").count() == 3

    select(frame, "trigger")
    frame.get_by_label("Idle minutes before it counts as abandoned").fill("1")
    select(frame, "wait_1")
    frame.get_by_label("Hours", exact=True).fill("")
    frame.get_by_label("Minutes", exact=True).fill("1")
    select(frame, "send_email_1")
    frame.get_by_label("Subject", exact=True).fill("Your cart is waiting")
    frame.get_by_label("Body (MJML sections)").fill(BODY)
    assert "Wait 1 minute" in frame.locator('[data-testid="node-wait_1"]').inner_text()

    # Undo takes the body back out, redo restores it (one step per field).
    frame.get_by_role("button", name="Undo").click()
    assert frame.get_by_label("Body (MJML sections)").input_value() == ""
    frame.get_by_role("button", name="Redo").click()
    assert frame.get_by_label("Body (MJML sections)").input_value() == BODY

    frame.get_by_role("button", name="Save draft").click()
    frame.wait_for_selector('[data-testid="builder-message"]:has-text("Draft saved")')
    flow.refresh_from_db()
    draft = flow.versions.get(state=VersionState.DRAFT)
    assert draft.graph == EXPECTED_GRAPH

    # The app renders the message into the inspector's preview as it is typed, unsaved.
    wait_for_preview(frame, "Your cart misses you.")
    body = frame.get_by_label("Body (MJML sections)")
    body.fill(BODY.replace("misses you", "is still here"))
    wait_for_preview(frame, "Your cart is still here.")
    frame.get_by_role("button", name="Undo").click()
    wait_for_preview(frame, "Your cart misses you.")
    assert frame.get_by_role("button", name="Save draft").is_disabled()  # as saved again
    dashboard_host.screenshot("builder")

    frame.get_by_role("button", name="Activate…").click()
    dialog = frame.locator('[data-testid="activate-dialog"]')
    dialog.wait_for()
    assert "Activate this flow?" in dialog.inner_text()
    assert Flow.objects.get(pk=flow.pk).status == FlowStatus.DRAFT  # nothing before confirming
    frame.get_by_test_id("confirm-activate").click()
    frame.wait_for_selector('[data-testid="builder-message"]:has-text("Activated")')
    flow.refresh_from_db()
    assert flow.status == FlowStatus.ACTIVE
    assert flow.active_version.graph == EXPECTED_GRAPH

    # The stats page, then a shopper abandons a cart in the emulated Saleor.
    frame.get_by_role("link", name="Stats").click()
    frame.wait_for_selector('[data-testid="numbers-trigger"]')
    assert metric(frame, "trigger", "entered") == "0"

    store = Store(dashboard_host.emulator, installed)
    abandoned_at = store.abandon_cart("ana@example.com")
    store.run(abandoned_at + timedelta(minutes=1, seconds=5))
    # The poll (every 5 s) brings the enrollment, waiting in the wait node.
    wait_for_metric(frame, "wait_1", "waiting", "1")
    assert metric(frame, "trigger", "entered") == "1"

    store.run(abandoned_at + timedelta(minutes=2, seconds=10))
    message = Message.objects.get(installation=installed)
    assert (message.status, message.node_id) == (MessageStatus.SENT, "send_email_1")
    wait_for_metric(frame, "send_email_1", "sent", "1")
    assert metric(frame, "wait_1", "waiting") == "0"
    assert metric(frame, "exit", "entered") == "1"
    recipients = frame.locator('[data-testid="recipients-table"]').inner_text()
    assert recipients.count("ana@example.com") == 1
    dashboard_host.screenshot("stats")


def test_problems_from_the_save_show_on_the_nodes(dashboard_page, dashboard_host, installed):
    flow = flow_create_from_template(installation=installed, template_key="cart_abandonment")
    frame = dashboard_page(f"/flows/{to_base64('Flow', flow.pk)}/edit")
    frame.wait_for_selector('[data-testid="node-email_3"]')

    # From the keyboard: a condition added from the palette, connected to nothing.
    frame.get_by_test_id("palette-condition").focus()
    dashboard_host.page.keyboard.press("Enter")
    frame.wait_for_selector('[data-testid="node-condition_1"]')
    frame.get_by_role("button", name="Save draft").click()
    frame.wait_for_selector('[data-testid="builder-message"]:has-text("Not saved")')
    node = frame.locator('[data-testid="node-condition_1"]')
    assert "sa-node-invalid" in node.get_attribute("class")
    assert "needs an edge labelled 'yes'" in node.inner_text()
    problems = frame.locator('[data-testid="issue-list"]').inner_text()
    assert "condition_1" in problems
    # Nothing was stored: the draft is still the template's.
    assert flow.versions.get().graph == TEMPLATES["cart_abandonment"].graph
    dashboard_host.screenshot("builder-problems")

    frame.get_by_test_id("tab-settings").click()
    settings = frame.locator('[data-testid="settings-panel"]')
    assert settings.get_by_label("Days between entries").input_value() == "7"
    settings.get_by_label("Holdout: % of entries kept as a control group (0-50)").fill("10")
    frame.get_by_role("button", name="Undo").click()
    assert (
        settings.get_by_label("Holdout: % of entries kept as a control group (0-50)").input_value()
        == "0"
    )
    frame.get_by_role("button", name="Redo").click()
    assert (
        settings.get_by_label("Holdout: % of entries kept as a control group (0-50)").input_value()
        == "10"
    )
    dashboard_host.screenshot("builder-settings")
