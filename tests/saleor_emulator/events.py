"""Webhook payloads: an event object executed through the webhook's own subscription.

Saleor renders each delivery by running the installed subscription document against the
event, as the receiving app; the body is `event`'s content (or `{"data": ...}` for a
filterable top field) plus an `errors` list when fields were refused.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    parse,
)

from .execution import EmulatorDataError, RequestContext, emulator_faults, format_error, run
from .values import iso, now

# WebhookEventAsyncType permission map, by event family (saleor/webhook/event_types.py).
_FAMILY_PERMISSIONS = (
    ("DRAFT_ORDER_", "MANAGE_ORDERS"),
    ("ORDER_", "MANAGE_ORDERS"),
    ("FULFILLMENT_", "MANAGE_ORDERS"),
    ("INVOICE_", "MANAGE_ORDERS"),
    ("CHECKOUT_", "MANAGE_CHECKOUTS"),
    ("CUSTOMER_", "MANAGE_USERS"),
    ("ACCOUNT_", "MANAGE_USERS"),
    ("PRODUCT_VARIANT_", "MANAGE_PRODUCTS"),
    ("PRODUCT_", "MANAGE_PRODUCTS"),
    ("CATEGORY_", "MANAGE_PRODUCTS"),
    ("COLLECTION_", "MANAGE_PRODUCTS"),
    ("VOUCHER_", "MANAGE_DISCOUNTS"),
    ("PROMOTION_", "MANAGE_DISCOUNTS"),
    ("GIFT_CARD_", "MANAGE_GIFT_CARD"),
    ("CHANNEL_", "MANAGE_CHANNELS"),
)
# 3.23.5+/3.24: lifecycle events go only to the affected app, whatever it holds.
SELF_ONLY_EVENTS = frozenset({"APP_INSTALLED", "APP_UPDATED", "APP_DELETED", "APP_STATUS_CHANGED"})
# Sent even while the app is inactive or removed.
ALWAYS_DELIVERED = frozenset({"APP_DELETED", "APP_STATUS_CHANGED"})


def event_permission(event: str) -> str | None:
    if event in SELF_ONLY_EVENTS:
        return None
    for prefix, permission in _FAMILY_PERMISSIONS:
        if event.startswith(prefix):
            return permission
    raise KeyError(f"the emulator knows no permission for {event}; add its family")


def event_type_name(schema: GraphQLSchema, event: str) -> str:
    """CHECKOUT_UPDATED -> CheckoutUpdated, checked against the schema's Event types."""
    name = "".join(part.capitalize() for part in event.split("_"))
    graphql_type = schema.get_type(name)
    event_interface = schema.get_type("Event")
    if not isinstance(graphql_type, GraphQLObjectType) or event_interface not in (
        graphql_type.interfaces
    ):
        raise KeyError(f"{event}: Saleor's schema has no Event type {name}")
    return name


def build_event(
    schema: GraphQLSchema,
    event: str,
    subject: dict | None,
    *,
    recipient: dict,
    issuing_principal: dict | None,
    defaults: Mapping[str, dict],
    version: str,
    issued_at: datetime | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict:
    """The event object: common Event fields, the subject under the field of its type.

    `defaults` fills fields by type name (Channel, Shop) when neither subject nor `extra`
    gives them; any other field a document selects must come in `extra`.
    """
    type_name = event_type_name(schema, event)
    event_type = schema.get_type(type_name)
    event_interface = schema.get_type("Event")
    assert isinstance(event_type, GraphQLObjectType)
    assert isinstance(event_interface, GraphQLInterfaceType)
    common = set(event_interface.fields)
    payload: dict[str, Any] = {
        "__typename": type_name,
        "issuedAt": iso(issued_at or now()),
        "version": version,
        "issuingPrincipal": issuing_principal,
        "recipient": recipient,
    }
    for field_name, field in event_type.fields.items():
        if field_name in common:
            continue
        named = get_named_type(field.type).name
        if subject is not None and named == subject.get("__typename"):
            payload[field_name] = subject
        elif named in defaults:
            payload[field_name] = defaults[named]
    payload.update(extra or {})
    return payload


def _top_field(query: str) -> FieldNode:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    first = operation.selection_set.selections[0]
    assert isinstance(first, FieldNode)
    return first


def channel_filter_allows(query: str, event: dict) -> bool:
    """Filterable top fields (`checkoutUpdated(channels: [...])`) only fire for those channels."""
    top = _top_field(query)
    channels_arg = next((a for a in top.arguments or () if a.name.value == "channels"), None)
    if top.name.value == "event" or channels_arg is None:
        return True
    wanted = [value.value for value in getattr(channels_arg.value, "values", [])]
    subject = event.get("checkout") or event.get("order") or {}
    channel = subject.get("channel") or {}
    return channel.get("slug") in wanted


def render_body(schema: GraphQLSchema, query: str, event: dict, context: RequestContext) -> bytes:
    """Execute the subscription against the event and serialise it like Saleor (json.dumps)."""
    top = _top_field(query)
    root_key = top.name.value
    result = run(schema, parse(query), context, root={root_key: event})
    faults = emulator_faults(result)
    if faults:
        raise EmulatorDataError("; ".join(faults))
    if root_key == "event":
        payload = dict((result.data or {}).get("event") or {})
    else:
        payload = {"data": result.data}
    if result.errors:
        payload["errors"] = [format_error(error) for error in result.errors]
    return json.dumps(payload).encode()
