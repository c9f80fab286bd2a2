"""Relay pagination as Saleor does it: `first`/`last` required, at most 100 per page."""

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

MAX_PAGE = 100


def _cursor(node: dict) -> str:
    return base64.b64encode(json.dumps([node["id"]]).encode()).decode()


def _position(nodes: Sequence[dict], cursor: str) -> int:
    try:
        (node_id,) = json.loads(base64.b64decode(cursor))
    except ValueError as error:
        raise GraphQLError("Received cursor is invalid.") from error
    for index, node in enumerate(nodes):
        if node["id"] == node_id:
            return index
    raise GraphQLError("Received cursor is invalid.")


def check_page_args(name: str, first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{name}` "
            "connection."
        )
    if first is not None and last is not None:
        raise GraphQLError(
            f"Passing both `first` and `last` to paginate the `{name}` connection is not supported."
        )
    for arg, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise GraphQLError(f"Argument `{arg}` on the `{name}` connection cannot be negative.")
        if value > MAX_PAGE:
            raise GraphQLError(
                f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                f"limit of {MAX_PAGE} records."
            )


def paginate(
    nodes: Sequence[dict],
    *,
    name: str,
    first: int | None = None,
    last: int | None = None,
    after: str | None = None,
    before: str | None = None,
    wrap: Callable[[dict], Any] = lambda node: node,
) -> dict:
    """A `<Type>CountableConnection` over already filtered and sorted `nodes`."""
    check_page_args(name, first, last)
    start = _position(nodes, after) + 1 if after else 0
    end = _position(nodes, before) if before else len(nodes)
    window = list(nodes[start:end])
    has_next = has_previous = False
    if first is not None:
        has_next = len(window) > first
        window = window[:first]
    if last is not None:
        has_previous = len(window) > last
        window = window[len(window) - last :] if last else []
    edges = [{"node": wrap(node), "cursor": _cursor(node)} for node in window]
    return {
        "totalCount": len(nodes),
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
