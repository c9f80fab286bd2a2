"""Saleor's real schema (never a copy): the path comes from tests/conftest.py."""

from functools import cache
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLSchema, build_schema

from tests.conftest import SCHEMA_PATH

SALEOR_VERSION = "3.24.0-a.0"  # saleor/__init__.py at the commit schema.graphql was taken from
SCHEMA_VERSION = "3.24"


@cache
def load_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    if not path.is_file():
        raise FileNotFoundError(f"Saleor schema not found at {path} (set SALEOR_SCHEMA)")
    return build_schema(path.read_text())


def enum_names(schema: GraphQLSchema, enum: str) -> frozenset[str]:
    enum_type = schema.get_type(enum)
    if not isinstance(enum_type, GraphQLEnumType):
        raise TypeError(f"{enum} is not an enum in Saleor's schema")
    return frozenset(enum_type.values)


def async_event_names(schema: GraphQLSchema) -> frozenset[str]:
    return enum_names(schema, "WebhookEventTypeAsyncEnum")


def sync_event_names(schema: GraphQLSchema) -> frozenset[str]:
    return enum_names(schema, "WebhookEventTypeSyncEnum")


def permission_names(schema: GraphQLSchema) -> frozenset[str]:
    return enum_names(schema, "PermissionEnum")
