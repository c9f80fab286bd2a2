"""Saleor's extra rules for webhook subscription documents, on top of GraphQL validation.

A re-implementation of `saleor/graphql/webhook/subscription_query.py` (SubscriptionQuery):
one subscription, a single top field, and the event list taken from the type conditions of
the fragments directly under `event`. Used by the emulator's manifest/webhookCreate checks and
by tests/saleor/test_documents.py, so both judge a document the same way.
"""

import re
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from .schema import async_event_names


class WebhookErrorCode:
    """The `WebhookErrorCode` values Saleor reports for a rejected subscription."""

    SYNTAX = "SYNTAX"
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    MISSING_SUBSCRIPTION = "MISSING_SUBSCRIPTION"
    INVALID = "INVALID"
    UNABLE_TO_PARSE = "UNABLE_TO_PARSE"
    MISSING_EVENT = "MISSING_EVENT"


@dataclass
class SubscriptionRuleError(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def to_snake_case(name: str) -> str:
    """graphene's to_snake_case, which Saleor applies to event type names."""
    partial = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", partial).lower()


def _subscription(document: DocumentNode) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    subscriptions = [o for o in operations if o.operation == OperationType.SUBSCRIPTION]
    if not subscriptions:
        raise SubscriptionRuleError(
            WebhookErrorCode.MISSING_SUBSCRIPTION, "Subscription operation can't be found."
        )
    # Saleor would silently take the first subscription; a second operation in a webhook
    # document is always a mistake, so it is refused (as reference/validate.py does).
    if len(operations) > 1:
        raise SubscriptionRuleError(
            WebhookErrorCode.INVALID, "Only fragments and a single subscription are allowed."
        )
    return subscriptions[0]


def _top_field_names(subscription: OperationDefinitionNode) -> list[str]:
    return [
        selection.name.value
        for selection in subscription.selection_set.selections
        if isinstance(selection, FieldNode | FragmentSpreadNode)
    ]


def _events_under(
    node: FieldNode | FragmentDefinitionNode, found: dict[str, bool]
) -> dict[str, bool]:
    """Collect type conditions (False) and fragment names to unpack (True), as Saleor does."""
    if isinstance(node, FragmentDefinitionNode) and node.type_condition.name.value != "Event":
        found[node.type_condition.name.value] = False
        return found
    if node.selection_set:
        for selection in node.selection_set.selections:
            if isinstance(selection, InlineFragmentNode) and selection.type_condition:
                found[selection.type_condition.name.value] = False
            if isinstance(selection, FragmentSpreadNode):
                found[selection.name.value] = True
    return found


def subscription_events(document: DocumentNode) -> list[str]:
    """Event names (upper case, e.g. CHECKOUT_UPDATED) a valid subscription document carries.

    Raises SubscriptionRuleError like Saleor's SubscriptionQuery; the document must already
    have passed GraphQL validation.
    """
    subscription = _subscription(document)
    names = _top_field_names(subscription)
    if len(names) > 1 and set(names) != {"event"}:
        raise SubscriptionRuleError(
            WebhookErrorCode.INVALID, "Subscription must select only one top field."
        )
    first = subscription.selection_set.selections[0]
    if not isinstance(first, FieldNode):
        raise SubscriptionRuleError(WebhookErrorCode.UNABLE_TO_PARSE, "Event field can't be found.")
    if first.name.value != "event":
        # Filterable top fields (checkoutUpdated(channels: [...])) name the event themselves.
        return sorted({to_snake_case(name).upper() for name in names})

    found: dict[str, bool] = {}
    for selection in subscription.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "event":
            _events_under(selection, found)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    unpacked: dict[str, bool] = {}
    for name, is_fragment in found.items():
        if is_fragment:
            _events_under(fragments[name], unpacked)
    found.update(unpacked)
    events = [name for name, is_fragment in found.items() if not is_fragment]
    if not events:
        raise SubscriptionRuleError(WebhookErrorCode.MISSING_EVENT, "Can't find a single event.")
    return sorted({to_snake_case(name).upper() for name in events})


def check_subscription(schema: GraphQLSchema, query: str) -> list[str]:
    """Parse, fully validate and apply Saleor's rules; the events, all async enum members."""
    try:
        document = parse(query)
    except GraphQLError as error:
        raise SubscriptionRuleError(WebhookErrorCode.SYNTAX, error.message) from error
    errors = validate(schema, document)
    if errors:
        raise SubscriptionRuleError(
            WebhookErrorCode.GRAPHQL_ERROR, ";".join(sorted({e.message for e in errors}))
        )
    events = subscription_events(document)
    unknown = sorted(set(events) - async_event_names(schema))
    if unknown:
        raise SubscriptionRuleError(
            WebhookErrorCode.INVALID, f"Not WebhookEventTypeAsyncEnum events: {unknown}"
        )
    return events
