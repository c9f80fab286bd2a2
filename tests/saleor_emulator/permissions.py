"""Who may read which field: Saleor's permission rules, taken from the schema's own text.

Saleor documents its field permissions in the SDL ("Requires one of the following
permissions: MANAGE_USERS, OWNER."), so the rules are read from there instead of being
copied by hand; OVERRIDES holds the places where Saleor's code differs from that text.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema

if TYPE_CHECKING:
    from .records import AppRecord

_RULE = re.compile(r"Requires (one of the following|the following) permissions: ([A-Z_][A-Z_, ]*)")
GENERIC_DENIAL = "You do not have permission to perform this action"


@dataclass(frozen=True)
class FieldRule:
    permissions: frozenset[str]
    require_all: bool = False
    message: str | None = None  # Saleor's fields with auto_permission_message=False

    def allows(self, app: "AppRecord | None", source: object) -> bool:
        # Only apps are emulated: staff users, customers and their OWNER rights don't exist.
        if app is None:
            return False
        held = [self._held(p, app, source) for p in self.permissions]
        return all(held) if self.require_all else any(held)

    @staticmethod
    def _held(permission: str, app: "AppRecord", source: object) -> bool:
        if permission == "AUTHENTICATED_APP":
            return True
        if permission == "OWNER":
            return _owned_by(source, app)
        return permission in app.permissions

    def error(self) -> GraphQLError:
        listed = ", ".join(sorted(self.permissions))
        message = self.message or (
            f"To access this path, you need one of the following permissions: {listed}"
        )
        return permission_denied(message)


def permission_denied(message: str = GENERIC_DENIAL) -> GraphQLError:
    return GraphQLError(message, extensions={"exception": {"code": "PermissionDenied"}})


def _owned_by(source: object, app: "AppRecord") -> bool:
    """An app owns itself and its webhooks (App.webhooks, App.privateMetadata...)."""
    if not isinstance(source, dict):
        return False
    if source.get("__typename") == "App":
        return source.get("id") == app.id
    if source.get("__typename") == "Webhook":
        owner = source.get("app")
        owner = owner(None) if callable(owner) else owner
        return isinstance(owner, dict) and owner.get("id") == app.id
    return False


def _private(permission: str) -> dict[str, FieldRule]:
    rule = FieldRule(frozenset({permission}))
    return {name: rule for name in ("privateMetadata", "privateMetafield", "privateMetafields")}


# (type, field) -> rule, where Saleor's resolvers differ from (or add to) the schema text.
OVERRIDES: dict[tuple[str, str], FieldRule | None] = {
    # PROTOCOL §1.3: the resolver checks MANAGE_ORDERS although the text says MANAGE_STAFF.
    ("User", "orders"): FieldRule(frozenset({"MANAGE_ORDERS", "MANAGE_STAFF", "OWNER"})),
    ("Query", "app"): FieldRule(
        frozenset({"AUTHENTICATED_APP", "AUTHENTICATED_STAFF_USER"}), message=GENERIC_DENIAL
    ),
    # checkout(id) is public in active channels; its resolver checks the inactive case.
    ("Query", "checkout"): None,
    **{("User", f): r for f, r in _private("MANAGE_USERS").items()},
    **{("Checkout", f): r for f, r in _private("MANAGE_CHECKOUTS").items()},
    **{("Order", f): r for f, r in _private("MANAGE_ORDERS").items()},
    **{("Product", f): r for f, r in _private("MANAGE_PRODUCTS").items()},
    **{("Channel", f): r for f, r in _private("MANAGE_CHANNELS").items()},
    **{("Shop", f): r for f, r in _private("MANAGE_SETTINGS").items()},
    **{("App", f): r for f, r in _private("OWNER").items()},
}


def field_rules(schema: GraphQLSchema) -> dict[tuple[str, str], FieldRule]:
    rules: dict[tuple[str, str], FieldRule] = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            match = _RULE.search(field.description or "")
            if match:
                names = frozenset(n for n in re.split(r"[\s,]+", match.group(2)) if n)
                rules[(type_name, field_name)] = FieldRule(
                    names, require_all=match.group(1) == "the following"
                )
    for key, rule in OVERRIDES.items():
        if rule is None:
            rules.pop(key, None)
        else:
            rules[key] = rule
    return rules
