"""Root `Mutation` fields: an app managing its own webhooks, writing metadata and managing
vouchers (vouchers.py).

Failures come back like Saleor's: validation problems in the payload's `errors`
(`{field code message}`), missing permissions as a PermissionDenied GraphQL error.
"""

import json
from typing import Any

from graphql import GraphQLResolveInfo

from .execution import RequestContext
from .manifest import WEBHOOK_SCHEMES, event_list_error
from .permissions import permission_denied
from .records import AppRecord, WebhookRecord
from .subscription_rules import SubscriptionRuleError, check_subscription
from .validators import custom_headers_error, is_valid_url
from .voucher_resolvers import (
    voucher_channel_listing_update,
    voucher_code_bulk_delete,
    voucher_create,
    voucher_update,
)

# Who may write an object's metadata, and the events the write emits (PROTOCOL §4.1).
_METADATA_TARGETS = {
    "User": ("MANAGE_USERS", "CUSTOMER_METADATA_UPDATED", "CUSTOMER_UPDATED"),
    "Checkout": ("MANAGE_CHECKOUTS", "CHECKOUT_METADATA_UPDATED", "CHECKOUT_UPDATED"),
    "Order": ("MANAGE_ORDERS", "ORDER_METADATA_UPDATED", "ORDER_UPDATED"),
    "Product": ("MANAGE_PRODUCTS", "PRODUCT_METADATA_UPDATED", "PRODUCT_UPDATED"),
}


def _error(field: str | None, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def _webhook_payload(webhook: WebhookRecord | None, errors: list[dict]) -> dict:
    return {
        "webhook": webhook.to_graphql() if webhook else None,
        "errors": errors,
        "webhookErrors": errors,
    }


def _app(info: GraphQLResolveInfo) -> AppRecord:
    app = info.context.app
    assert app is not None  # the schema's field rule refuses anonymous requests
    return app


def _clean_webhook_input(
    info: GraphQLResolveInfo, data: dict[str, Any], current: WebhookRecord | None
) -> tuple[dict[str, Any], list[dict]]:
    """Changes to apply, or errors. Event lists follow the query when not given."""
    app = _app(info)
    if data.get("app") not in (None, app.id):
        return {}, [_error("app", "INVALID", "An app can manage only its own webhooks.")]
    if data.get("events"):
        return {}, [_error("events", "INVALID", "`events` is deprecated; use asyncEvents.")]
    changes: dict[str, Any] = {}
    target_url = data.get("targetUrl", current.target_url if current else None)
    if not is_valid_url(target_url, WEBHOOK_SCHEMES, tld_required=False):
        return {}, [_error("targetUrl", "INVALID", "Enter a valid URL.")]
    changes["target_url"] = target_url
    query = data.get("query", current.query if current else None)
    if not query:
        return {}, [_error("query", "MISSING_SUBSCRIPTION", "Subscription query is required.")]
    try:
        derived = check_subscription(info.schema, query)
    except SubscriptionRuleError as error:
        return {}, [_error("query", error.code, error.message)]
    changes["query"] = query
    declared = data.get("asyncEvents")
    if declared is None:
        declared = derived if "query" in data or current is None else current.async_events
    code, message = event_list_error(info.schema, declared, query)
    if code:
        return {}, [_error("asyncEvents", code, message)]
    changes["async_events"] = list(declared) or derived
    if "customHeaders" in data and data["customHeaders"] is not None:
        headers = json.loads(data["customHeaders"])
        header_error = custom_headers_error(headers)
        if header_error:
            return {}, [_error("customHeaders", "INVALID_CUSTOM_HEADERS", header_error)]
        changes["custom_headers"] = {k.lower(): v for k, v in headers.items()}
    for key, attribute in (
        ("name", "name"),
        ("isActive", "is_active"),
        ("identifier", "identifier"),
    ):
        if data.get(key) is not None:
            changes[attribute] = data[key]
    identifier = changes.get("identifier")
    if identifier and any(w.identifier == identifier and w is not current for w in app.webhooks):
        return {}, [_error("identifier", "UNIQUE", "Webhook with this identifier already exists.")]
    return changes, []


def _own_webhook(
    info: GraphQLResolveInfo, id: str | None, identifier: str | None
) -> tuple[WebhookRecord | None, list[dict]]:
    app = _app(info)
    context: RequestContext = info.context
    for webhook in context.store.webhooks():
        if (id is not None and webhook.id == id) or (
            identifier is not None and webhook.identifier == identifier and webhook.app is app
        ):
            if webhook.app is not app:
                raise permission_denied(
                    "To access this path, you need one of the following permissions: MANAGE_APPS"
                )
            return webhook, []
    return None, [_error("id", "NOT_FOUND", f"Couldn't resolve to a node: {id or identifier}")]


def webhook_create(info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    changes, errors = _clean_webhook_input(info, input, None)
    if errors:
        return _webhook_payload(None, errors)
    webhook = WebhookRecord(
        app=_app(info),
        name=changes.pop("name", "") or "",
        target_url=changes.pop("target_url"),
        query=changes.pop("query"),
        async_events=changes.pop("async_events"),
    )
    for attribute, value in changes.items():
        setattr(webhook, attribute, value)
    _app(info).webhooks.append(webhook)
    return _webhook_payload(webhook, [])


def webhook_update(
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    identifier: str | None = None,
) -> dict:
    webhook, errors = _own_webhook(info, id, identifier)
    if webhook is None:
        return _webhook_payload(None, errors)
    changes, errors = _clean_webhook_input(info, input, webhook)
    if errors:
        return _webhook_payload(None, errors)
    for attribute, value in changes.items():
        setattr(webhook, attribute, value)
    return _webhook_payload(webhook, [])


def webhook_delete(
    info: GraphQLResolveInfo, id: str | None = None, identifier: str | None = None
) -> dict:
    webhook, errors = _own_webhook(info, id, identifier)
    if webhook is None:
        return _webhook_payload(None, errors)
    webhook.app.webhooks.remove(webhook)
    return _webhook_payload(webhook, [])


def _metadata_mutation(private: bool, delete: bool):
    key = "privateMetadata" if private else "metadata"

    def resolve(info: GraphQLResolveInfo, id: str, **args: Any) -> dict:
        context: RequestContext = info.context
        app = _app(info)
        if id == app.id:
            item, permission, events = None, "OWNER", ()
        else:
            item = context.store.node(id)
            if item is None or item["__typename"] not in _METADATA_TARGETS:
                errors = [_error("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}")]
                return {"item": None, "errors": errors, "metadataErrors": errors}
            permission, *events = _METADATA_TARGETS[item["__typename"]]
            if permission not in app.permissions:
                raise permission_denied(
                    f"To access this path, you need one of the following permissions: {permission}"
                )
        items = (app.private_metadata if private else app.metadata) if item is None else item[key]
        if delete:
            items[:] = [i for i in items if i["key"] not in args["keys"]]
        else:
            for entry in args["input"]:
                items[:] = [i for i in items if i["key"] != entry["key"]]
                items.append({"key": entry["key"], "value": entry["value"]})
        if item is None:
            return {"item": app.to_graphql(), "errors": [], "metadataErrors": []}
        principal = app.to_graphql()
        metadata_event, legacy_event = events
        context.emitted.append((metadata_event, item, principal))
        if context.store.shop["useLegacyUpdateWebhookEmission"]:
            context.emitted.append((legacy_event, item, principal))
        return {"item": item, "errors": [], "metadataErrors": []}

    return resolve


def mutation_root() -> dict[str, Any]:
    return {
        "webhookCreate": webhook_create,
        "webhookUpdate": webhook_update,
        "webhookDelete": webhook_delete,
        "updateMetadata": _metadata_mutation(private=False, delete=False),
        "updatePrivateMetadata": _metadata_mutation(private=True, delete=False),
        "deleteMetadata": _metadata_mutation(private=False, delete=True),
        "deletePrivateMetadata": _metadata_mutation(private=True, delete=True),
        "voucherCreate": voucher_create,
        "voucherUpdate": voucher_update,
        "voucherChannelListingUpdate": voucher_channel_listing_update,
        "voucherCodeBulkDelete": voucher_code_bulk_delete,
    }
