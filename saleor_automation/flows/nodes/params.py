"""Reading node params and settings out of JSON, collecting every problem as a
DefinitionIssue (re-exported by flows.definition, the public home of these names).

It lives in the nodes package, below definition.py, so node modules can parse their own
params without importing definition.py (which imports them for the registry).
"""

import copy
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from ..localtime import parse_clock
from ..predicates import validate_predicate

__all__ = ["MISSING", "DefinitionError", "DefinitionIssue", "MessageRef", "ParamReader"]

MAX_DURATION = timedelta(days=366)
MISSING: Any = object()  # "no default": the key is required


@dataclass(frozen=True)
class DefinitionIssue:
    node_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"node {self.node_id}: " if self.node_id else ""
        return f"{where}{self.field}: {self.message}"


class DefinitionError(ValueError):
    def __init__(self, issues: Iterable[DefinitionIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


class ParamReader:
    """Reads one JSON object key by key, recording an issue per bad key. Every read returns
    a usable fallback, so parsing goes on and reports every issue; a result read with
    issues is never used (parse_* raise instead)."""

    def __init__(
        self, data: Any, issues: list[DefinitionIssue], *, node_id: str | None, prefix: str
    ) -> None:
        self.issues, self.node_id, self.prefix = issues, node_id, prefix
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            self.issue("", "must be an object")
            data = {}
        self.data: Mapping[str, Any] = data
        self.seen: set[str] = set()

    def path(self, key: str) -> str:
        return ".".join(part for part in (self.prefix, key) if part)

    def issue(self, key: str, message: str) -> None:
        self.issues.append(DefinitionIssue(self.node_id, self.path(key), message))

    def has(self, key: str) -> bool:
        """Whether `key` holds a value (null counts as absent); asking reads the key."""
        self.seen.add(key)
        return self.data.get(key) is not None

    def raw(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        value = self.data.get(key)
        return default if value is None else value

    def child(self, key: str) -> "ParamReader":
        return ParamReader(self.raw(key), self.issues, node_id=self.node_id, prefix=self.path(key))

    def _required(self, key: str, default: Any) -> Any:
        value = self.raw(key, default)
        if value is MISSING:
            self.issue(key, "is required")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.issue(key, "must be true or false")
            return default
        return value

    def integer(self, key: str, *, minimum: int, maximum: int, default: Any = MISSING) -> int:
        value = self._required(key, default)
        if value is MISSING:
            return minimum
        if not isinstance(value, int) or isinstance(value, bool):
            self.issue(key, "must be a whole number")
            return minimum
        if not minimum <= value <= maximum:
            self.issue(key, f"must be between {minimum} and {maximum}")
        return value

    def string(
        self,
        key: str,
        *,
        default: Any = MISSING,
        choices: Collection[str] = (),
        max_length: int = 255,
    ) -> str:
        value = self._required(key, default)
        if value is MISSING:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.issue(key, "must be a non-empty string")
            return ""
        if choices and value not in choices:
            self.issue(key, f"must be one of {', '.join(choices)}")
        elif len(value) > max_length:
            self.issue(key, f"must be at most {max_length} characters")
        return value

    def clock(self, key: str) -> time:
        value = self._required(key, MISSING)
        if value is MISSING:
            return time(0, 0)
        try:
            return parse_clock(value)
        except ValueError as error:
            self.issue(key, str(error))
            return time(0, 0)

    def weekdays(self, key: str, *, default: Any = MISSING) -> frozenset[int]:
        value = self._required(key, default)
        if value is MISSING:
            return frozenset()
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(d, int) and not isinstance(d, bool) for d in value)
            or not all(0 <= d <= 6 for d in value)
        ):
            self.issue(key, "must be a non-empty list of weekdays 0 (Monday) to 6 (Sunday)")
            return frozenset()
        return frozenset(value)

    def duration(self, prefix: str = "") -> timedelta:
        """`prefix`minutes + hours + days: any of them, added up, required together."""
        keys = [f"{prefix}{unit}" for unit in ("minutes", "hours", "days")]
        if not any([self.has(key) for key in keys]):  # a list: every key is marked read
            self.issue(keys[0], f"give {', '.join(keys)} (any of them)")
            return timedelta(0)
        maximum = int(MAX_DURATION.total_seconds() // 60)
        minutes, hours, days = (
            self.integer(k, minimum=0, maximum=maximum, default=0) for k in keys
        )
        total = timedelta(minutes=minutes, hours=hours, days=days)
        if not total or total > MAX_DURATION:
            self.issue(
                keys[0], f"must add up to more than zero and at most {MAX_DURATION.days} days"
            )
        return total

    def items(self, key: str, *, minimum: int = 0, maximum: int = 100) -> list["ParamReader"]:
        """A reader per element of a list of objects (prefixed "key[i]")."""
        value = self._required(key, [] if minimum == 0 else MISSING)
        if value is MISSING:
            return []
        if not isinstance(value, list) or not minimum <= len(value) <= maximum:
            self.issue(key, f"must be a list of {minimum} to {maximum} items")
            return []
        return [
            ParamReader(item, self.issues, node_id=self.node_id, prefix=self.path(f"{key}[{i}]"))
            for i, item in enumerate(value)
        ]

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self._required(key, MISSING)
        if value is MISSING:
            return {}
        if not isinstance(value, Mapping):
            self.issue(key, "must be an object")
            return {}
        return copy.deepcopy(value)  # the parsed graph must not share the caller's JSON

    def predicate(self, key: str, *, roots: Collection[str]) -> Mapping[str, Any]:
        value = self._required(key, MISSING)
        if value is MISSING:
            return {}
        for problem in validate_predicate(value, roots=roots):
            self.issue(key, problem)
        return copy.deepcopy(value) if isinstance(value, Mapping) else {}

    def finish(self) -> None:
        """An issue for every key that no read asked for (typos, leftovers)."""
        for key in sorted(set(self.data) - self.seen, key=str):
            self.issue(str(key), "is not allowed here")


@dataclass(frozen=True)
class MessageRef:
    """A node's reference to the message of send node `node_id` and its event `kind`
    (flows.context.MessageEvent); the graph checks that it names an upstream send node."""

    field: str
    node_id: str
    kind: str
