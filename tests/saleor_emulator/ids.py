"""Saleor-style global IDs: base64 of "<Type>:<pk>" (graphene's relay Node IDs)."""

import base64
import itertools
import uuid

_counters: dict[str, itertools.count] = {}


def to_global_id(type_name: str, pk: object) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    """(type name, pk); ValueError for anything that is not a global ID."""
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"Invalid ID: {global_id}. Expected: base64 encoded ID.") from error
    type_name, sep, pk = decoded.partition(":")
    if not sep or not type_name or not pk:
        raise ValueError(f"Invalid ID: {global_id}. Expected: base64 encoded ID.")
    return type_name, pk


def next_pk(type_name: str) -> int:
    """Integer primary keys per type, unique for the whole test session (like a DB sequence)."""
    return next(_counters.setdefault(type_name, itertools.count(1)))


def new_global_id(type_name: str) -> str:
    """Integer-keyed types (User, ProductVariant, App...)."""
    return to_global_id(type_name, next_pk(type_name))


def new_uuid_global_id(type_name: str) -> tuple[str, str]:
    """UUID-keyed types (Checkout, Order, lines): (global id, uuid)."""
    token = str(uuid.uuid4())
    return to_global_id(type_name, token), token
