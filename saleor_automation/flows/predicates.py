"""A small JSON predicate language for conditions, entry filters and segments.

    {"all": [p, ...]}   every p holds (non-empty list)
    {"any": [p, ...]}   at least one p holds (non-empty list)
    {"not": p}
    {"field": F, "op": OP, "value": V}

Fields F:
- contact.<name>: email, phone, country, city, postal_code, language, timezone (strings);
  order_count (number); marketing_consent, sms_consent, needs_opt_in (bool: the store asks
  for double opt-in and the contact has said neither yes nor no yet); first_order_at,
  last_order_at (moments); groups (a set of group names)
- contact.spend.<CUR>: what the contact spent in that currency (missing = 0)
- contact.attributes.<key>: customer metadata value (the rest of the field is the key, dots
  included), and "birthday"
- context.<path>: the enrollment's starting snapshot, e.g. context.checkout.total,
  context.order.lines_count (dots walk into objects, numbers index lists)
- message.<node_id>.<kind>: when that send node's message was e.g. opened or clicked
  (kinds in context.MessageEvent); a moment, usually tested with "exists"

Operators OP: eq, ne, in, not_in (V a list), gt, gte, lt, lte, starts_with (V a string or a
list of prefixes, e.g. postal code prefixes), contains (a set member or a substring),
exists (V true, the default, or false).

Values V: strings, numbers and booleans; moments are ISO 8601 datetimes or relative
{"days_ago": n} / {"hours_ago": n} / {"minutes_ago": n}, so {"field":
"contact.last_order_at", "op": "lt", "value": {"days_ago": 90}} means "no order for 90
days".

Evaluation never fails on data: a missing field (None, "", empty set) only satisfies
"exists": false, "ne" and "not_in" (ne is always the negation of eq). Strings compare
case-insensitively; numeric strings compare as numbers; naive datetimes are taken as UTC.
"""

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .context import ContactView, MessageEvent, NodeContext


class Op:
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    STARTS_WITH = "starts_with"
    CONTAINS = "contains"
    EXISTS = "exists"
    ALL = frozenset({EQ, NE, IN, NOT_IN, GT, GTE, LT, LTE, STARTS_WITH, CONTAINS, EXISTS})
    ORDERING = frozenset({GT, GTE, LT, LTE})


class Root:
    CONTACT = "contact"
    CONTEXT = "context"
    MESSAGE = "message"


ALL_ROOTS = frozenset({Root.CONTACT, Root.CONTEXT, Root.MESSAGE})
CONTACT_ROOTS = frozenset({Root.CONTACT})  # segments: nothing but the contact is known
MAX_DEPTH = 10
MAX_LIST = 1000
RELATIVE_UNITS = {"days_ago": "days", "hours_ago": "hours", "minutes_ago": "minutes"}

# Field kinds decide which operators and values make sense.
STR, NUM, MOMENT, BOOL, SET, ANY = "string", "number", "moment", "boolean", "set", "any"
OPS_BY_KIND = {
    STR: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.STARTS_WITH, Op.CONTAINS, Op.EXISTS}),
    NUM: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS}) | Op.ORDERING,
    MOMENT: frozenset({Op.EXISTS}) | Op.ORDERING,
    BOOL: frozenset({Op.EQ, Op.NE, Op.EXISTS}),
    SET: frozenset({Op.CONTAINS, Op.IN, Op.NOT_IN, Op.EXISTS}),
    ANY: Op.ALL,
}
CONTACT_FIELDS = {
    **dict.fromkeys(("email", "phone", "country", "city", "postal_code", "language"), STR),
    "timezone": STR,
    "order_count": NUM,
    **dict.fromkeys(("marketing_consent", "sms_consent", "needs_opt_in"), BOOL),
    **dict.fromkeys(("first_order_at", "last_order_at"), MOMENT),
    "groups": SET,
}
CURRENCY = re.compile(r"[A-Z]{3}")
# Validation only checks that a relative moment can be computed, whatever the date.
VALIDATION_NOW = datetime(2000, 1, 1, tzinfo=UTC)


class PredicateError(ValueError):
    """A predicate that is not structurally valid reached evaluation."""


def validate_predicate(predicate: Any, *, roots: Collection[str] = ALL_ROOTS) -> list[str]:
    """Every problem with `predicate`, each as "path: message"; [] when it is valid.
    `roots` limits the fields it may use (segments: contact only)."""
    errors: list[str] = []
    _validate(predicate, "", 0, roots, errors)
    return errors


def referenced_messages(predicate: Any) -> set[tuple[str, str]]:
    """(send node id, event kind) pairs that a valid predicate asks about."""
    found = set()
    for leaf in _leaves(predicate):
        field = leaf.get("field")
        if isinstance(field, str) and field.startswith(Root.MESSAGE + "."):
            node_id, _, kind = field[len(Root.MESSAGE) + 1 :].partition(".")
            found.add((node_id, kind))
    return found


def evaluate_predicate(
    predicate: Mapping[str, Any],
    subject: NodeContext | ContactView,
    now: datetime,
    *,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """Whether a validated predicate holds for `subject` at `now`. A bare ContactView (an
    entry filter before enrollment, a segment) has no messages; its `context` may be given."""
    if isinstance(subject, NodeContext):
        contact, snapshot, messages = subject.contact, subject.context, subject.messages
    else:
        contact, snapshot, messages = subject, context or {}, {}
    return _evaluate(predicate, contact, snapshot, messages, now)


# Validation


def _validate(p: Any, path: str, depth: int, roots: Collection[str], errors: list[str]) -> None:
    where = path or "predicate"
    if depth > MAX_DEPTH:
        errors.append(f"{where}: nested deeper than {MAX_DEPTH} levels")
        return
    if not isinstance(p, Mapping):
        errors.append(f"{where}: must be an object")
        return
    for combinator in ("all", "any"):
        if combinator in p:
            if len(p) != 1:
                errors.append(f"{where}: '{combinator}' must be the only key")
            children = p[combinator]
            if not isinstance(children, list) or not children:
                errors.append(f"{_join(path, combinator)}: must be a non-empty list")
                return
            for index, child in enumerate(children):
                _validate(child, f"{_join(path, combinator)}[{index}]", depth + 1, roots, errors)
            return
    if "not" in p:
        if len(p) != 1:
            errors.append(f"{where}: 'not' must be the only key")
        _validate(p["not"], _join(path, "not"), depth + 1, roots, errors)
        return
    _validate_leaf(p, path, roots, errors)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _validate_leaf(
    p: Mapping[str, Any], path: str, roots: Collection[str], errors: list[str]
) -> None:
    where = path or "predicate"
    unknown = set(p) - {"field", "op", "value"}
    if unknown:
        errors.append(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    kind, problem = _field_kind(p.get("field"), roots)
    if problem:
        errors.append(f"{_join(path, 'field')}: {problem}")
        return
    op = p.get("op")
    if op not in Op.ALL:
        errors.append(f"{_join(path, 'op')}: must be one of {', '.join(sorted(Op.ALL))}")
        return
    if op not in OPS_BY_KIND[kind]:
        errors.append(f"{_join(path, 'op')}: '{op}' does not apply to a {kind} field")
        return
    problem = _value_problem(op, kind, p.get("value"), "value" in p)
    if problem:
        errors.append(f"{_join(path, 'value')}: {problem}")


def _field_kind(field: Any, roots: Collection[str]) -> tuple[str, str]:
    if not isinstance(field, str) or not field:
        return ANY, "must be a field name such as contact.country"
    root, _, rest = field.partition(".")
    if root not in ALL_ROOTS:
        return ANY, "must start with contact., context. or message."
    if root not in roots:
        return ANY, f"{root}. fields cannot be used here"
    if root == Root.CONTEXT:
        if not rest or "" in rest.split("."):
            return ANY, "must name a path such as context.checkout.total"
        return ANY, ""
    if root == Root.MESSAGE:
        node_id, _, event = rest.partition(".")
        if not node_id or event not in MessageEvent.ALL:
            kinds = ", ".join(sorted(MessageEvent.ALL))
            return ANY, f"must be message.<node id>.<kind> with a kind in {kinds}"
        return MOMENT, ""
    if rest in CONTACT_FIELDS:
        return CONTACT_FIELDS[rest], ""
    name, _, key = rest.partition(".")
    if name == "spend":
        if not CURRENCY.fullmatch(key):
            return ANY, "must be contact.spend.<CUR> with a currency code such as EUR"
        return NUM, ""
    if name == "attributes":
        return (ANY, "") if key else (ANY, "must be contact.attributes.<key>")
    return ANY, f"unknown contact field '{rest}'"


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _value_problem(op: str, kind: str, value: Any, given: bool) -> str:
    if op == Op.EXISTS:
        return "" if not given or isinstance(value, bool) else "must be true or false"
    if op in (Op.IN, Op.NOT_IN):
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            return f"must be a non-empty list of at most {MAX_LIST} values"
        problems = [_scalar_problem(kind, item) for item in value]
        return next((problem for problem in problems if problem), "")
    if op == Op.STARTS_WITH:
        prefixes = value if isinstance(value, list) else [value]
        if not prefixes or not all(isinstance(item, str) and item for item in prefixes):
            return "must be a non-empty string or a list of them"
        return ""
    if op in Op.ORDERING:
        is_moment = _moment(value, VALIDATION_NOW) is not None
        if kind == MOMENT or (kind == ANY and not is_moment and isinstance(value, Mapping)):
            return "" if is_moment else 'must be an ISO datetime or {"days_ago": n}'
        if kind == NUM and _number(value) is None:
            return "must be a number"
        if _number(value) is None and not is_moment:
            return 'must be a number, an ISO datetime or {"days_ago": n}'
        return ""
    return _scalar_problem(kind, value)


def _scalar_problem(kind: str, value: Any) -> str:
    if kind == NUM:
        return "" if _number(value) is not None else "must be a number"
    if kind == BOOL:
        return "" if isinstance(value, bool) else "must be true or false"
    if kind in (STR, SET):
        return "" if isinstance(value, str) else "must be a string"
    return "" if _is_scalar(value) else "must be a string, a number or a boolean"


def _leaves(p: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(p, Mapping):
        return
    for combinator in ("all", "any"):
        if isinstance(p.get(combinator), list):
            for child in p[combinator]:
                yield from _leaves(child)
            return
    if "not" in p:
        yield from _leaves(p["not"])
        return
    yield p


# Evaluation


def _evaluate(p: Any, contact: ContactView, snapshot: Any, messages: Any, now: datetime) -> bool:
    if not isinstance(p, Mapping):
        raise PredicateError(f"not a valid predicate: {p!r}")
    if "all" in p:
        return all(_evaluate(child, contact, snapshot, messages, now) for child in p["all"])
    if "any" in p:
        return any(_evaluate(child, contact, snapshot, messages, now) for child in p["any"])
    if "not" in p:
        return not _evaluate(p["not"], contact, snapshot, messages, now)
    field, op = p.get("field"), p.get("op")
    if not isinstance(field, str) or op not in Op.ALL:
        raise PredicateError(f"not a valid predicate: {dict(p)!r}")
    actual = _resolve(field, contact, snapshot, messages)
    return _apply(op, actual, p.get("value", True), now)


def _resolve(field: str, contact: ContactView, snapshot: Any, messages: Any) -> Any:
    root, _, rest = field.partition(".")
    if root == Root.MESSAGE:
        node_id, _, kind = rest.partition(".")
        return messages.get(node_id, {}).get(kind)
    if root == Root.CONTEXT:
        value: Any = snapshot
        for part in rest.split("."):
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, Sequence) and not isinstance(value, str) and part.isdigit():
                value = value[int(part)] if int(part) < len(value) else None
            else:
                return None
        return value
    if root != Root.CONTACT:
        return None
    if rest in CONTACT_FIELDS:
        return getattr(contact, rest)
    name, _, key = rest.partition(".")
    if name == "spend":
        return contact.spend.get(key, Decimal(0))
    if name == "attributes":
        return contact.attributes.get(key)
    return None


def _present(value: Any) -> bool:
    if value is None or value == "":
        return False
    return not (isinstance(value, Collection) and not isinstance(value, str) and not value)


def _apply(op: str, actual: Any, expected: Any, now: datetime) -> bool:
    if op == Op.EXISTS:
        return _present(actual) is (expected is not False)
    if op == Op.NE:
        return not _apply(Op.EQ, actual, expected, now)
    if op == Op.NOT_IN:
        return not _apply(Op.IN, actual, expected, now)
    if not _present(actual):
        return False
    items = _items(actual)
    if op == Op.EQ:
        return items is None and _equal(actual, expected)
    if op == Op.IN:
        values = list(items) if items is not None else [actual]
        return any(_equal(value, option) for value in values for option in expected)
    if op == Op.CONTAINS:
        if items is not None:
            return any(_equal(item, expected) for item in items)
        return isinstance(actual, str) and str(expected).casefold() in actual.casefold()
    if op == Op.STARTS_WITH:
        prefixes = expected if isinstance(expected, list) else [expected]
        text = actual.casefold() if isinstance(actual, str) else ""
        return bool(text) and any(text.startswith(str(prefix).casefold()) for prefix in prefixes)
    return _compare(op, actual, expected, now)


def _items(value: Any) -> Collection[Any] | None:
    if isinstance(value, Collection) and not isinstance(value, str | Mapping):
        return value
    return None


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, str) and isinstance(expected, str):
        # Text stays text: postal code "01000" is not "1000".
        return actual.casefold() == expected.casefold()
    left, right = _number(actual), _number(expected)
    return left is not None and right is not None and left == right


def _compare(op: str, actual: Any, expected: Any, now: datetime) -> bool:
    left: Any = _number(actual)
    right: Any = _number(expected)
    if left is None or right is None:
        left, right = _moment(actual, now), _moment(expected, now)
        if left is None or right is None:
            return False
    if op == Op.GT:
        return left > right
    if op == Op.GTE:
        return left >= right
    if op == Op.LT:
        return left < right
    return left <= right


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _moment(value: Any, now: datetime) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, Mapping):
        if len(value) != 1:
            return None
        ((key, amount),) = value.items()
        unit = RELATIVE_UNITS.get(key)
        if unit is None or not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            return None
        try:
            return now - timedelta(**{unit: amount})
        except OverflowError:
            return None
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
