"""The flow templates: each validates (graph, settings and messages), becomes a draft flow
and can be activated."""

import json
import os
from pathlib import Path

import pytest

from saleor_automation.flows.definition import parse_graph, parse_settings
from saleor_automation.flows.message_checks import graph_message_issues
from saleor_automation.flows.models import FlowStatus, VersionState
from saleor_automation.flows.services import FlowValidationError, flow_activate
from saleor_automation.flows.templates import TEMPLATES, flow_create_from_template
from saleor_automation.messaging.rendering.content import EMAIL, content_read
from saleor_automation.messaging.rendering.render import email_render
from saleor_automation.messaging.rendering.validate import (
    SAMPLE_LINKS,
    SAMPLE_STORE,
    sample_render_context,
)
from tests.flows.db_fixtures import NOW, installation  # noqa: F401

KEYS = sorted(TEMPLATES)


def test_registry_lists_every_template():
    assert set(KEYS) == {
        "cart_abandonment",
        "welcome_series",
        "first_purchase_feedback",
        "upsell_cross_sell",
        "win_back",
        "birthday",
        "best_customers",
        "geolocation",
    }
    assert all(key == template.key for key, template in TEMPLATES.items())


@pytest.mark.parametrize("key", KEYS)
def test_template_is_valid(key):
    template = TEMPLATES[key]
    parse_graph(template.graph)
    settings = parse_settings(template.settings)
    assert graph_message_issues(template.graph) == []
    assert settings.priority == template.priority
    assert template.name and template.description


@pytest.mark.parametrize("key", KEYS)
def test_every_email_has_english_and_german(key):
    sends = [n for n in TEMPLATES[key].graph["nodes"] if n["type"] == "send_email"]
    assert sends
    for node in sends:
        content, issues = content_read(node["params"]["message"], EMAIL)
        assert issues == []
        assert content.default_language == "en"
        assert set(content.variants) == {"en", "de"}


@pytest.mark.parametrize("key", KEYS)
def test_create_and_activate(installation, key):  # noqa: F811
    flow = flow_create_from_template(installation=installation, template_key=key)
    assert flow.status == FlowStatus.DRAFT
    assert flow.name == TEMPLATES[key].name
    draft = flow.versions.get()
    assert (draft.state, draft.graph, draft.settings) == (
        VersionState.DRAFT,
        TEMPLATES[key].graph,
        TEMPLATES[key].settings,
    )
    version = flow_activate(flow=flow, now=NOW)
    flow.refresh_from_db()
    assert version.state == VersionState.ACTIVE
    assert flow.status == FlowStatus.ACTIVE


def test_overrides_replace_settings_and_leave_the_template_alone(installation):  # noqa: F811
    flow = flow_create_from_template(
        installation=installation,
        template_key="cart_abandonment",
        name="Recover carts",
        overrides={"quiet_hours": None, "priority": 5},
    )
    settings = flow.versions.get().settings
    assert flow.name == "Recover carts"
    assert settings["quiet_hours"] is None and settings["priority"] == 5
    assert settings["reentry_days"] == 7
    assert TEMPLATES["cart_abandonment"].settings["priority"] == 10


def test_invalid_overrides_are_refused(installation):  # noqa: F811
    with pytest.raises(FlowValidationError):
        flow_create_from_template(
            installation=installation, template_key="birthday", overrides={"priority": 101}
        )


def test_unknown_template(installation):  # noqa: F811
    with pytest.raises(KeyError):
        flow_create_from_template(installation=installation, template_key="nope")


def test_cart_abandonment_shape():
    template = TEMPLATES["cart_abandonment"]
    graph = parse_graph(template.graph)
    settings = parse_settings(template.settings)
    assert graph.trigger.params.event == "checkout_abandoned"
    assert [g.event for g in settings.goals] == ["order_placed", "checkout_converted"]
    assert (settings.reentry, settings.reentry_days) == ("once_per_days", 7)
    mjml = template.graph["nodes"][-2]["params"]["message"]["variants"]["en"]["mjml"]
    assert "{% voucher_code %}" in mjml


def _message(key, node_id):
    node = next(n for n in TEMPLATES[key].graph["nodes"] if n["id"] == node_id)
    return node["params"]["message"]


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "10% off your cart - for 3 days"), ("de", "10 % Rabatt auf Ihren Warenkorb")],
)
def test_cart_voucher_email_renders_code_and_cart(language, subject):
    rendered = email_render(
        _message("cart_abandonment", "email_3"),
        sample_render_context(language),
        store=SAMPLE_STORE,
        links=SAMPLE_LINKS,
    )
    assert rendered.language == language
    assert rendered.subject.startswith(subject)
    assert "SA-SAMPLE12345" in rendered.html
    assert "Sample product" in rendered.html


@pytest.mark.parametrize(
    ("key", "node_id"),
    [
        ("welcome_series", "curated"),
        ("first_purchase_feedback", "cross_sell"),
        ("upsell_cross_sell", "recommendations"),
    ],
)
def test_recommendation_emails_render_the_products(key, node_id):
    rendered = email_render(
        _message(key, node_id), sample_render_context("en"), store=SAMPLE_STORE, links=SAMPLE_LINKS
    )
    assert "Recommended 1" in rendered.html and "Recommended 2" in rendered.html


def test_welcome_series_asks_for_confirmation_where_the_store_needs_it():
    template = TEMPLATES["welcome_series"]
    graph = parse_graph(template.graph)
    check = graph.nodes["needs_confirmation"].params.predicate
    assert check == {"field": "contact.needs_opt_in", "op": "eq", "value": True}
    assert graph.outgoing("needs_confirmation") == {"yes": "confirm", "no": "welcome"}
    confirm = graph.nodes["confirm"]
    assert confirm.params.marketing is False  # it must go out before any consent
    for language in ("en", "de"):
        assert "{% confirm_button" in confirm.params.message["variants"][language]["mjml"]
    wait = graph.nodes["wait_confirm"].params
    assert (wait.event, wait.timeout.days) == ("consent_confirmed", 7)
    assert graph.outgoing("wait_confirm") == {"event": "welcome", "timeout": "not_confirmed"}
    rendered = email_render(
        _message("welcome_series", "confirm"),
        sample_render_context("de"),
        store=SAMPLE_STORE,
        links=SAMPLE_LINKS,
    )
    assert f'href="{SAMPLE_LINKS.confirm_url}"' in rendered.html
    assert "Abonnement bestätigen" in rendered.html


def test_cart_voucher_is_made_only_for_a_consenting_contact():
    graph = parse_graph(TEMPLATES["cart_abandonment"].graph)
    assert graph.target("wait_2", "next") == "has_consent"
    assert graph.nodes["has_consent"].params.predicate == {
        "field": "contact.marketing_consent",
        "op": "eq",
        "value": True,
    }
    assert graph.outgoing("has_consent") == {"yes": "voucher", "no": "exit"}


DASHBOARD_FIXTURE = (
    Path(__file__).resolve().parents[3]
    / "dashboard-extension/src/builder/__fixtures__/templates.json"
)


def test_the_dashboard_builders_fixture_is_the_templates():
    """The builder's Vitest tests read the templates from a JSON copy; it must not go stale.
    `UPDATE_FIXTURES=1 pytest -k dashboard_builders_fixture` writes it anew."""
    current = {key: {"graph": t.graph, "settings": t.settings} for key, t in TEMPLATES.items()}
    text = json.dumps(current, indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_FIXTURES"):
        DASHBOARD_FIXTURE.write_text(text)
    assert json.loads(DASHBOARD_FIXTURE.read_text()) == json.loads(text), (
        "dashboard-extension's templates.json is stale: run with UPDATE_FIXTURES=1"
    )
