"""Every GraphQL document the app sends or subscribes with is valid for Saleor 3.24.

Full graphql-core validation against Saleor's real schema, plus Saleor's own rules for
webhook subscriptions (the emulator applies the same code when an app is installed).
"""

import json

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse, validate

from saleor_automation.saleor.documents import all_documents, document
from saleor_automation.saleor.event_types import WEBHOOKS
from saleor_automation.saleor.manifest import build_manifest
from tests.conftest import SCHEMA_PATH
from tests.saleor_emulator import SubscriptionRuleError, check_subscription, parse_manifest
from tests.saleor_emulator.schema import SALEOR_VERSION

SUBSCRIPTIONS = [name for name in all_documents() if name.startswith("subscriptions/")]


@pytest.mark.parametrize("name", all_documents())
def test_document_validates_against_saleor_schema(saleor_schema, name):
    errors = validate(saleor_schema, parse(document(name)))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("webhook", WEBHOOKS, ids=lambda w: w.identifier)
def test_subscription_passes_saleor_rules_and_matches_declared_events(saleor_schema, webhook):
    events = check_subscription(saleor_schema, document(webhook.document))
    assert sorted(events) == sorted(webhook.async_events)


def test_every_subscription_document_belongs_to_one_webhook():
    assert sorted(SUBSCRIPTIONS) == sorted(w.document for w in WEBHOOKS)


@pytest.mark.parametrize("name", SUBSCRIPTIONS)
def test_subscription_selects_event_identity_fields(name):
    """__typename tells events apart in one body shape; issuedAt makes retries dedupable."""
    operation = parse(document(name)).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    (event,) = operation.selection_set.selections
    assert isinstance(event, FieldNode) and event.name.value == "event"
    selected = {s.name.value for s in event.selection_set.selections if isinstance(s, FieldNode)}
    assert {"__typename", "issuedAt", "version"} <= selected


# -- the checks themselves catch mistakes ------------------------------------------------------


def test_a_field_typo_fails_validation(saleor_schema):
    text = document("subscriptions/checkout-events").replace("issuedAt", "issuedAtt", 1)
    assert validate(saleor_schema, parse(text))
    with pytest.raises(SubscriptionRuleError) as error:
        check_subscription(saleor_schema, text)
    assert error.value.code == "GRAPHQL_ERROR"


def test_an_event_type_typo_fails(saleor_schema):
    text = document("subscriptions/order-events").replace("on OrderPaid", "on OrderPayed")
    with pytest.raises(SubscriptionRuleError):
        check_subscription(saleor_schema, text)


def test_a_dropped_fragment_changes_the_event_list(saleor_schema):
    text = document("subscriptions/checkout-events").replace(
        "... on CheckoutFullyPaid { checkout { ...AutomationCheckout } }", ""
    )
    events = check_subscription(saleor_schema, text)
    assert "CHECKOUT_FULLY_PAID" not in events
    assert sorted(events) != sorted(WEBHOOKS[0].async_events)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("query { shop { name } }", "MISSING_SUBSCRIPTION"),
        ("subscription { event { issuedAt } }", "MISSING_EVENT"),
        # Two top fields: graphql-core's own SingleFieldSubscriptionsRule already refuses...
        (
            "subscription { checkoutCreated { issuedAt } checkoutUpdated { issuedAt } }",
            "GRAPHQL_ERROR",
        ),
        # ...while a top-level spread of the same field only trips Saleor's extra rule.
        (
            "subscription { ...Top event { ... on CustomerCreated { user { id } } } }"
            " fragment Top on Subscription { event { issuedAt } }",
            "INVALID",
        ),
        (
            "subscription S { event { ... on CustomerCreated { user { id } } } }"
            " query Q { shop { name } }",
            "INVALID",
        ),
        # A sync event is a valid Event type but no WebhookEventTypeAsyncEnum member.
        (
            "subscription { event { ... on CheckoutFilterShippingMethods { checkout { id } } } }",
            "INVALID",
        ),
        ("subscription { event { ", "SYNTAX"),
    ],
)
def test_saleor_rules_refuse(saleor_schema, query, code):
    with pytest.raises(SubscriptionRuleError) as error:
        check_subscription(saleor_schema, query)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("query", "events"),
    [
        (
            "subscription { event { ...E } } fragment E on Event {"
            " ... on OrderCreated { order { id } } ... on OrderPaid { order { id } } }",
            ["ORDER_CREATED", "ORDER_PAID"],
        ),
        (
            "subscription { event { ...C } } fragment C on CustomerUpdated { user { id } }",
            ["CUSTOMER_UPDATED"],
        ),
        (
            'subscription { checkoutUpdated(channels: ["b2c"]) { checkout { id } } }',
            ["CHECKOUT_UPDATED"],
        ),
    ],
)
def test_events_come_from_fragments_or_the_top_field(saleor_schema, query, events):
    assert check_subscription(saleor_schema, query) == events


def test_rules_agree_with_the_protocol_reference_manifest(saleor_schema):
    """The reference manifest was checked against Saleor's rules; ours must accept it too."""
    path = SCHEMA_PATH.parent / "reference" / "manifest.example.json"
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    manifest = parse_manifest(
        saleor_schema, json.loads(path.read_text()), saleor_version=SALEOR_VERSION
    )
    assert {w.name for w in manifest.webhooks}
    for webhook in manifest.webhooks:
        assert sorted(check_subscription(saleor_schema, webhook.query)) == sorted(
            webhook.async_events
        )


def test_app_manifest_passes_saleor_manifest_rules(saleor_schema, settings):
    """The manifest the app serves, judged by the rules the emulator installs with."""
    settings.APP_BASE_URL = "https://automation.example.com"
    manifest = parse_manifest(saleor_schema, build_manifest(), saleor_version=SALEOR_VERSION)
    assert [w.identifier for w in manifest.webhooks] == [w.identifier for w in WEBHOOKS]
    assert [w.async_events for w in manifest.webhooks] == [w.async_events for w in WEBHOOKS]
