"""The extension's pages in a real browser, framed by the test dashboard, on the real app:
flows list, template gallery, contact journey, customer widget, order action, settings.
Each test saves a screenshot to var/artifacts/dashboard/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_automation.api.models import ApiKey
from saleor_automation.contacts.backfill_models import BackfillRun
from saleor_automation.contacts.models import Contact, Order
from saleor_automation.flows.models import Enrollment, Flow, FlowStatus
from saleor_automation.flows.services import flow_activate
from saleor_automation.flows.templates import TEMPLATES, flow_create_from_template
from saleor_automation.messaging.sender_models import EmailSettings
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.rollup import stats_rollup
from tests.api.data import populate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def rows(frame, test_id: str) -> list[str]:
    return [row.inner_text() for row in frame.get_by_test_id(test_id).all()]


def test_flows_list_shows_each_flows_numbers_and_filters(dashboard_page, dashboard_host, installed):
    store = populate(installed)
    flow_create_from_template(installation=installed, template_key="cart_abandonment")
    stats_rollup(settle=False)

    # populate() dates its activity in June 2026: a year's period includes it.
    frame = dashboard_page("/flows", {"days": "365"})
    frame.get_by_test_id("flow-row").nth(1).wait_for()
    welcome = frame.get_by_test_id("flow-row").filter(has_text="Welcome")
    # The numbers arrive after the list; no conversion in populate(): 0 of 1 entered.
    welcome.get_by_role("cell", name="0.0%").wait_for()
    cells = welcome.get_by_role("cell").all_inner_texts()
    assert cells[0] == "Active"
    assert cells[1:3] == ["1", "1"]  # entered, sent
    link = welcome.get_by_role("link", name="Welcome", exact=True)
    assert link.get_attribute("href") == f"/dashboard/flows/{_quoted(store.flow)}/edit"
    dashboard_host.screenshot("flows")

    frame.get_by_label("Search flows").fill("cart")
    assert len(rows(frame, "flow-row")) == 1
    assert "Cart abandonment" in rows(frame, "flow-row")[0]
    frame.get_by_label("Search flows").fill("")
    frame.get_by_label("Status").select_option("ACTIVE")
    assert len(rows(frame, "flow-row")) == 1
    frame.get_by_label("Status").select_option("ARCHIVED")
    frame.get_by_text("No flow matches these filters").wait_for()


def _quoted(flow: Flow) -> str:
    from urllib.parse import quote

    from strawberry.relay import to_base64

    return quote(to_base64("Flow", flow.pk), safe="")


def test_empty_flows_list_at_phone_width(dashboard_page, dashboard_host):
    dashboard_host.page.set_viewport_size({"width": 360, "height": 720})
    frame = dashboard_page("/flows")
    frame.get_by_text("No flows yet").wait_for()
    # Nothing wider than the phone: no horizontal scrolling of the page itself.
    assert frame.evaluate("document.documentElement.scrollWidth") <= 360
    dashboard_host.screenshot("flows-empty-360")


def test_template_gallery_creates_a_flow_and_opens_the_builder(
    dashboard_page, dashboard_host, installed
):
    frame = dashboard_page("/flows/new")
    frame.get_by_test_id("template-card").nth(len(TEMPLATES) - 1).wait_for()
    assert frame.get_by_test_id("template-card").count() == len(TEMPLATES)
    dashboard_host.screenshot("templates")

    frame.get_by_role("button", name="Use the Cart abandonment template").click()
    frame.wait_for_url("**/dashboard/flows/*/edit**")
    flow = Flow.objects.get(installation=installed)
    assert (flow.name, flow.status) == ("Cart abandonment", FlowStatus.DRAFT)
    assert _quoted(flow) in frame.url
    assert dashboard_host.notifications()[-1]["title"] == "Flow created"


def test_journey_search_shows_the_contacts_timeline(dashboard_page, dashboard_host, installed):
    populate(installed)
    frame = dashboard_page("/journey")
    frame.get_by_text("Look up a contact").wait_for()
    frame.get_by_label("Email address").fill("nobody@example.com")
    frame.get_by_role("button", name="Search").click()
    frame.get_by_text("No contact with this email").wait_for()

    frame.get_by_label("Email address").fill("ANN@example.com")
    frame.get_by_label("Email address").press("Enter")
    enrollment = frame.get_by_test_id("enrollment")
    enrollment.wait_for()
    assert frame.get_by_test_id("contact-card").inner_text().count("ann@example.com") == 1
    text = enrollment.inner_text()
    for expected in ("Welcome", "Entered the flow", "Wait (w1)", "Email: Hi Ann", "Opened"):
        assert expected in text, (expected, text)
    assert "Now at exit" in text  # populate() leaves the enrollment waiting at its exit
    dashboard_host.screenshot("journey")


def test_customer_widget_shows_that_customers_journey(dashboard_page, dashboard_host, installed):
    store = populate(installed)
    Contact.objects.filter(pk=store.contact.pk).update(saleor_user_id="VXNlcjo0Mg==")
    dashboard_host.page.set_viewport_size({"width": 360, "height": 800})
    frame = dashboard_page("/widgets/customer", {"customerId": "VXNlcjo0Mg=="})
    frame.get_by_test_id("enrollment").wait_for()
    assert "Email: Hi Ann" in frame.get_by_test_id("customer-widget").inner_text()
    # A widget is compact: no app navigation.
    assert frame.get_by_role("navigation").count() == 0
    assert frame.evaluate("document.documentElement.scrollWidth") <= 360
    dashboard_host.screenshot("customer-widget")

    frame = dashboard_page("/widgets/customer", {"customerId": "VXNlcjo5OTk="})
    frame.get_by_text("Not in any flow yet").wait_for()


def test_order_action_starts_the_feedback_flow_for_the_orders_customer(
    dashboard_page, dashboard_host, installed
):
    cart = flow_create_from_template(installation=installed, template_key="cart_abandonment")
    flow_activate(flow=cart)
    feedback = flow_create_from_template(
        installation=installed, template_key="first_purchase_feedback"
    )
    flow_activate(flow=feedback)
    bob = Contact.objects.create(installation=installed, email="bob@example.com")
    Order.objects.create(
        installation=installed,
        saleor_id="T3JkZXI6NTU=",
        number="55",
        contact=bob,
        email=bob.email,
        status="fulfilled",
        currency="EUR",
        total_gross=Decimal("30"),
    )

    frame = dashboard_page("/actions/order", {"orderId": "T3JkZXI6NTU="})
    flow_select = frame.get_by_label("Flow")
    flow_select.wait_for()
    # The feedback flow is offered first.
    assert flow_select.evaluate("s => s.selectedOptions[0].textContent") == feedback.name
    dashboard_host.screenshot("order-action")
    frame.get_by_role("button", name="Start now").click()
    result = frame.get_by_test_id("enroll-result")
    result.wait_for()
    assert "Flow started" in result.inner_text()
    enrollment = Enrollment.objects.get(flow=feedback)
    assert (enrollment.contact_id, enrollment.entry_key) == (bob.pk, "T3JkZXI6NTU=")
    assert dashboard_host.notifications()[-1]["title"] == "Flow started"

    frame.get_by_role("button", name="Start now").click()
    frame.get_by_text("Already started for this order").wait_for()
    assert Enrollment.objects.filter(flow=feedback).count() == 1
    frame.get_by_role("button", name="Close").click()
    dashboard_host.page.wait_for_function(
        "() => window.dashboard.actions.some(a => a.type === 'popupClose')"
    )


def test_settings_save_round_trip(dashboard_page, dashboard_host, installed):
    frame = dashboard_page("/settings")
    frame.get_by_label("From name").wait_for()
    dashboard_host.screenshot("settings")

    frame.get_by_label("Frequency cap: messages").fill("two")
    frame.get_by_role("button", name="Save settings").click()
    frame.get_by_text("Enter a whole number.").wait_for()
    assert Installation.objects.get(pk=installed.pk).frequency_cap_messages is None

    frame.get_by_label("From name").fill("Acme Shop")
    frame.get_by_label("Frequency cap: messages").fill("3")
    frame.get_by_label("Store time zone").fill("Europe/Berlin")
    frame.get_by_label("Contacts who never said anything about consent").select_option("false")
    frame.get_by_label("Quiet hours").fill("22:00-07:30")
    frame.get_by_label("Credit an order to").select_option("click_or_open")
    frame.get_by_role("button", name="Save settings").click()
    frame.get_by_role("status").filter(has_text="Saved.").wait_for()

    installation = Installation.objects.get(pk=installed.pk)
    assert installation.frequency_cap_messages == 3
    assert installation.timezone == "Europe/Berlin"
    assert installation.assume_marketing_consent is False
    assert installation.quiet_hours == "22:00-07:30"
    assert installation.attribution_model == "click_or_open"
    # The providers in use: the tests' email backend delivers nothing, and says so.
    email = frame.get_by_test_id("delivery-email")
    assert "Not sending" in email.inner_text()
    assert EmailSettings.objects.get(installation=installed).from_name == "Acme Shop"
    assert dashboard_host.notifications()[-1]["title"] == "Settings saved"

    # A value the server refuses comes back next to its field, and nothing changes.
    frame.get_by_label("Store time zone").fill("Mars/Olympus")
    frame.get_by_role("button", name="Save settings").click()
    frame.get_by_test_id("error-state").wait_for()
    assert Installation.objects.get(pk=installed.pk).timezone == "Europe/Berlin"

    # Reloaded, the page shows what was saved.
    frame = dashboard_page("/settings")
    assert frame.get_by_label("From name").input_value() == "Acme Shop"
    assert frame.get_by_label("Frequency cap: messages").input_value() == "3"


def test_api_keys_create_shows_the_secret_once_and_revoke(
    dashboard_page, dashboard_host, installed
):
    frame = dashboard_page("/settings")
    frame.get_by_text("No API keys").wait_for()
    frame.get_by_label("Key name").fill("Reporting script")
    frame.get_by_label("Access").select_option("READ_WRITE")
    frame.get_by_role("button", name="Create key").click()
    secret = frame.get_by_test_id("api-key-secret")
    secret.wait_for()
    key = ApiKey.objects.get(installation=installed)
    assert (key.name, key.scope) == ("Reporting script", "read_write")
    token = frame.locator(".sa-secret").inner_text().strip()
    assert key.prefix in token
    row = frame.get_by_test_id("api-key-row").filter(has_text="Reporting script")
    assert "Read and write" in row.inner_text()
    dashboard_host.screenshot("settings-api-key")

    frame.get_by_role("button", name="Done").click()
    assert frame.get_by_test_id("api-key-secret").count() == 0
    row.get_by_role("button", name="Revoke Reporting script").click()
    row.get_by_role("button", name="Confirm revoke").click()
    row.get_by_text("Revoked").wait_for()
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_backfill_progress_bar_follows_the_running_import(
    dashboard_page, dashboard_host, installed
):
    run = BackfillRun.objects.create(
        installation=installed,
        status="running",
        progress={
            "customers": {"imported": 10, "total": 10, "done": True},
            "orders": {"imported": 10, "total": 30, "done": False},
        },
    )
    frame = dashboard_page("/settings")
    bar = frame.get_by_label("Import progress")
    bar.wait_for()
    # customers done, orders a third, checkouts not started: (1 + 1/3 + 0) / 3.
    assert bar.get_attribute("value") == "44"
    assert frame.get_by_role("button", name="Import new history").is_disabled()
    dashboard_host.screenshot("settings-backfill")

    run.progress["orders"] = {"imported": 30, "total": 30, "done": True}
    run.progress["checkouts"] = {"imported": 2, "total": 2, "done": True}
    run.status = "done"
    run.finished_at = timezone.now() + timedelta(seconds=1)
    run.save()
    frame.locator("[data-testid=backfill-run][data-status=DONE]").wait_for()
    assert bar.get_attribute("value") == "100"
    assert frame.get_by_role("button", name="Import new history").is_enabled()


def test_a_refreshed_token_is_used_for_the_next_request(dashboard_page, dashboard_host):
    frame = dashboard_page("/settings")
    frame.get_by_label("From name").wait_for()
    # The dashboard pushes a new token for a user who may no longer change settings.
    dashboard_host.permissions = ["MANAGE_USERS"]
    dashboard_host.refresh_token()
    frame.get_by_label("From name").fill("Changed")
    frame.get_by_role("button", name="Save settings").click()
    frame.get_by_test_id("error-state").filter(has_text="permission").wait_for()
    assert not EmailSettings.objects.filter(from_name="Changed").exists()


def test_no_other_site_may_frame_the_pages(dashboard_host, settings):
    # The host page's origin is no longer allowed: the browser refuses to render the frame.
    settings.DASHBOARD_ORIGINS = []
    params = "saleorApiUrl=x&id=y"
    dashboard_host.page.goto(f"{dashboard_host.origin}/host.html")
    dashboard_host.page.evaluate(
        "([src, token]) => window.startApp(src, token)",
        [f"{settings.APP_BASE_URL}/dashboard/flows?{params}", dashboard_host.token()],
    )
    frame = dashboard_host.frame()
    frame.wait_for_load_state()
    assert frame.locator("#root").count() == 0
