"""Saleor's `where`/`filter`/`sortBy` inputs evaluated over emulated dicts.

Only the inputs listed in a spec are emulated; any other one raises, so a test never gets a
wrong answer from a filter the emulator quietly ignored.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from graphql import GraphQLError

Getter = Callable[[dict], Any]
Matcher = Callable[[Any, Any], bool]


def _one_of(value: Any, condition: Mapping) -> bool:
    if condition.get("eq") is not None and value != condition["eq"]:
        return False
    return not (condition.get("oneOf") is not None and value not in condition["oneOf"])


def _int(value: Any, condition: Mapping) -> bool:
    if not _one_of(value, condition):
        return False
    bounds = condition.get("range") or {}
    if bounds.get("gte") is not None and value < bounds["gte"]:
        return False
    return not (bounds.get("lte") is not None and value > bounds["lte"])


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _datetime_range(value: Any, condition: Mapping) -> bool:
    if value is None:
        return False
    moment = _moment(value)
    if condition.get("gte") is not None and moment < _moment(condition["gte"]):
        return False
    return not (condition.get("lte") is not None and moment > _moment(condition["lte"]))


def _date_range(value: Any, condition: Mapping) -> bool:
    if value is None:
        return False
    day = _moment(value).date()
    if condition.get("gte") is not None and day < date.fromisoformat(str(condition["gte"])):
        return False
    return not (
        condition.get("lte") is not None and day > date.fromisoformat(str(condition["lte"]))
    )


def _equals(value: Any, condition: Any) -> bool:
    return value == condition


def _in_list(value: Any, condition: Sequence) -> bool:
    return value in condition


def _metadata(items: list[dict], condition: Mapping | Sequence) -> bool:
    """MetadataFilterInput {key, value {eq, oneOf}} or the legacy [MetadataFilter {key, value}]."""
    conditions = [condition] if isinstance(condition, Mapping) else list(condition)
    values = {item["key"]: item["value"] for item in items}
    for wanted in conditions:
        if wanted["key"] not in values:
            return False
        expected = wanted.get("value")
        if isinstance(expected, Mapping):
            if not _one_of(values[wanted["key"]], expected):
                return False
        elif expected is not None and values[wanted["key"]] != expected:
            return False
    return True


def _any_in_range(values: list[Any], condition: Mapping) -> bool:
    return any(_datetime_range(value, condition) for value in values)


def _any_one_of(values: list[Any], condition: Mapping) -> bool:
    return any(_one_of(value, condition) for value in values)


def _search(text: str, condition: str) -> bool:
    return condition.lower() in text.lower()


MATCHERS: dict[str, Matcher] = {
    "one_of": _one_of,
    "int": _int,
    "datetime_range": _datetime_range,
    "date_range": _date_range,
    "equals": _equals,
    "in_list": _in_list,
    "metadata": _metadata,
    "search": _search,
    "any_in_range": _any_in_range,
    "any_one_of": _any_one_of,
}

Spec = Mapping[str, tuple[str, Getter]]


def matches(node: dict, where: Mapping | None, spec: Spec, label: str) -> bool:
    for key, condition in (where or {}).items():
        if condition is None:
            continue
        if key == "AND":
            if not all(matches(node, part, spec, label) for part in condition):
                return False
            continue
        if key == "OR":
            if not any(matches(node, part, spec, label) for part in condition):
                return False
            continue
        if key not in spec:
            raise GraphQLError(f"Saleor emulator: `{label}: {{{key}}}` is not emulated")
        kind, getter = spec[key]
        if not MATCHERS[kind](getter(node), condition):
            return False
    return True


def select(nodes: Iterable[dict], where: Mapping | None, spec: Spec, label: str) -> list[dict]:
    return [node for node in nodes if matches(node, where, spec, label)]


def sort(
    nodes: list[dict], sort_by: Mapping | None, keys: Mapping[str, Getter], label: str
) -> list[dict]:
    """Stable sort on `sortBy {field direction}`; ties keep insertion (primary key) order."""
    if not sort_by:
        return nodes
    field = sort_by.get("field")
    if field not in keys:
        raise GraphQLError(f"Saleor emulator: sorting `{label}` by {field} is not emulated")
    return sorted(nodes, key=keys[field], reverse=sort_by["direction"] == "DESC")
