"""saleor/payloads.py: the sample bodies match the documents, and parse into typed events."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from graphql import FieldNode, FragmentSpreadNode, parse

from saleor_automation.saleor import payloads
from saleor_automation.saleor.documents import document
from saleor_automation.saleor.event_types import WEBHOOK_FOR_EVENT
from saleor_automation.saleor.payloads import PayloadError, parse_event

from .conftest import EMAIL, EVENT_TYPES, USER_ID, body


def _check_shape(selections, fragments, data, path: str) -> None:
    if data is None:
        return
    if isinstance(data, list):
        for i, item in enumerate(data):
            _check_shape(selections, fragments, item, f"{path}[{i}]")
        return
    assert isinstance(data, dict), path
    fields = list(_fields(selections, fragments, data))
    expected = {(node.alias or node.name).value for node in fields}
    assert set(data) == expected, (
        f"{path}: extra {set(data) - expected}, missing {expected - set(data)}"
    )
    for node in fields:
        if node.selection_set is not None:
            key = (node.alias or node.name).value
            _check_shape(node.selection_set.selections, fragments, data[key], f"{path}.{key}")


def _fields(selections, fragments, data):
    """The fields in the response for this object: only the inline fragment of its actual
    __typename applies."""
    for node in selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, FragmentSpreadNode):
            yield from _fields(fragments[node.name.value].selection_set.selections, fragments, data)
        elif node.type_condition.name.value == data.get("__typename"):
            yield from _fields(node.selection_set.selections, fragments, data)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_sample_body_is_exactly_what_the_document_selects(event_type):
    parsed = parse(document(WEBHOOK_FOR_EVENT[event_type].document))
    fragments = {d.name.value: d for d in parsed.definitions if d.kind == "fragment_definition"}
    operation = next(d for d in parsed.definitions if d.kind == "operation_definition")
    (event_field,) = operation.selection_set.selections
    _check_shape(event_field.selection_set.selections, fragments, body(event_type), event_type)


def test_there_is_a_sample_for_every_subscribed_event():
    assert set(EVENT_TYPES) == set(WEBHOOK_FOR_EVENT) == set(payloads.EVENT_CLASSES)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_sample_parses_into_its_typed_event(event_type):
    raw = json.dumps(body(event_type))
    event = parse_event(event_type, raw.encode())
    assert type(event).__name__ == body(event_type)["__typename"]
    assert event.event_type == event_type
    assert event.issued_at.tzinfo is not None
    assert event.version == "3.24.0"
    assert parse_event(event_type, raw) == event  # str and bytes alike


def test_event_fields_are_typed():
    event = parse_event("order_refunded", json.dumps(body("order_refunded")))
    assert isinstance(event, payloads.OrderRefunded)
    assert event.issuing_principal == payloads.Principal("User", event.issuing_principal.id)
    assert event.issued_at == datetime(2026, 8, 25, 8, 12, 30, 771004, tzinfo=UTC)
    order = event.order
    assert order.total.gross.amount == Decimal("71.0")  # exact, not a float
    assert order.total_refunded.amount == Decimal("29.0")
    assert order.lines[0].variant.product.category.slug == "homewares"
    assert order.checkout_id and order.user is None and order.user_email == EMAIL

    customer = parse_event("customer_updated", json.dumps(body("customer_updated"))).user
    assert customer.id == USER_ID and customer.is_staff is False
    assert customer.metadata_value("birthday") == "1990-04-12"
    assert customer.metadata_value("missing") is None


def test_no_principal_is_none():
    event = parse_event("order_created", json.dumps(body("order_created")))
    assert event.issuing_principal is None


def test_fields_nulled_by_permission_errors_are_tolerated():
    raw = body("checkout_updated")
    raw["checkout"]["email"] = None
    raw["checkout"]["user"] = None
    raw["checkout"]["totalPrice"] = None
    raw["checkout"]["metadata"] = None
    raw["errors"] = [{"message": "You need one of: MANAGE_USERS", "path": ["event", "user"]}]
    event = parse_event("checkout_updated", json.dumps(raw))
    assert event.checkout.email is None and event.checkout.total_price is None
    assert event.errors[0].message.startswith("You need")

    raw = body("customer_deleted")
    raw["user"] = None
    raw["errors"] = [{"message": "denied"}]
    assert parse_event("customer_deleted", json.dumps(raw)).user is None


@pytest.mark.parametrize(
    ("event_type", "raw", "message"),
    [
        ("order_created", b"{not json", "not JSON"),
        ("order_created", b"[]", "not a JSON object"),
        ("order_created", json.dumps(body("customer_created")), "__typename"),
        ("invoice_sent", b"{}", "unsupported event type"),
    ],
)
def test_invalid_bodies_raise_payload_error(event_type, raw, message):
    with pytest.raises(PayloadError, match=message):
        parse_event(event_type, raw)


def test_payload_error_names_fields_never_values():
    raw = body("customer_updated")
    raw["user"]["email"] = ["jane.doe@example.com"]
    raw["user"]["id"] = None
    with pytest.raises(PayloadError) as caught:
        parse_event("customer_updated", json.dumps(raw))
    message = str(caught.value)
    assert "user.email" in message and "user.id" in message
    assert "jane" not in message
