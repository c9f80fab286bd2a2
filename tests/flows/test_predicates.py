from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_automation.flows.predicates import (
    CONTACT_ROOTS,
    PredicateError,
    evaluate_predicate,
    referenced_messages,
    validate_predicate,
)

from .builders import NOW, contact, context


def leaf(field: str, op: str, value=None, **extra):
    data = {"field": field, "op": op, **extra}
    if value is not None:
        data["value"] = value
    return data


VALID = [
    leaf("contact.country", "eq", "FR"),
    leaf("contact.country", "in", ["FR", "BE"]),
    leaf("contact.city", "ne", "Paris"),
    leaf("contact.postal_code", "starts_with", "75"),
    leaf("contact.postal_code", "starts_with", ["75", "92", "93"]),
    leaf("contact.email", "contains", "@example."),
    leaf("contact.language", "exists"),
    leaf("contact.phone", "exists", False),
    leaf("contact.order_count", "gte", 2),
    leaf("contact.order_count", "in", [1, 2, 3]),
    leaf("contact.spend.EUR", "gt", "99.90"),
    leaf("contact.marketing_consent", "eq", True),
    leaf("contact.first_order_at", "gt", {"days_ago": 90}),
    leaf("contact.last_order_at", "lt", "2026-01-01T00:00:00Z"),
    leaf("contact.groups", "contains", "vip"),
    leaf("contact.groups", "not_in", ["blocked"]),
    leaf("contact.attributes.loyalty.tier", "eq", "gold"),
    leaf("contact.attributes.points", "gt", 100),
    leaf("context.checkout.total", "gte", 50),
    leaf("context.checkout.created_at", "lt", {"hours_ago": 2}),
    leaf("context.order.lines.0.sku", "eq", "SKU-1"),
    leaf("message.e1.opened", "exists"),
    leaf("message.e1.clicked", "gt", {"minutes_ago": 30}),
    {"all": [leaf("contact.country", "eq", "FR"), {"not": leaf("message.e1.opened", "exists")}]},
    {"any": [{"all": [leaf("contact.city", "eq", "Lyon")]}, leaf("contact.order_count", "eq", 0)]},
]


@pytest.mark.parametrize("predicate", VALID)
def test_valid(predicate) -> None:
    assert validate_predicate(predicate) == []


def deep(levels: int):
    predicate = leaf("contact.country", "eq", "FR")
    for _ in range(levels):
        predicate = {"not": predicate}
    return predicate


INVALID = [
    ("not an object", "FR", "predicate: must be an object"),
    ("empty all", {"all": []}, "all: must be a non-empty list"),
    ("any not a list", {"any": leaf("contact.country", "eq", "FR")}, "any: must be a non-empty"),
    ("all with extras", {"all": [leaf("contact.city", "eq", "x")], "x": 1}, "must be the only key"),
    ("not with extras", {"not": leaf("contact.city", "eq", "x"), "y": 1}, "'not' must be the only"),
    ("bad child", {"all": [leaf("contact.city", "eq", "x"), 3]}, "all[1]: must be an object"),
    ("nested bad child", {"not": {"any": [{}]}}, "not.any[0].field"),
    ("too deep", deep(11), "nested deeper than 10"),
    ("no field", {"op": "eq", "value": 1}, "field: must be a field name"),
    ("unknown root", leaf("customer.country", "eq", "FR"), "must start with contact."),
    ("unknown contact field", leaf("contact.shoe_size", "eq", "9"), "unknown contact field"),
    ("bad currency", leaf("contact.spend.euro", "gt", 5), "currency code"),
    ("empty attribute", leaf("contact.attributes.", "eq", "x"), "contact.attributes.<key>"),
    ("empty context path", leaf("context.", "eq", "x"), "must name a path"),
    ("context double dot", leaf("context.order..total", "eq", 1), "must name a path"),
    ("message kind", leaf("message.e1.read", "exists"), "message.<node id>.<kind>"),
    ("message no node", leaf("message..opened", "exists"), "message.<node id>.<kind>"),
    ("unknown op", leaf("contact.country", "is", "FR"), "op: must be one of"),
    ("op for kind", leaf("contact.country", "gt", "FR"), "'gt' does not apply to a string"),
    (
        "op for moment",
        leaf("contact.last_order_at", "eq", "2026-01-01"),
        "does not apply to a moment",
    ),
    ("op for set", leaf("contact.groups", "eq", "vip"), "does not apply to a set"),
    ("in needs a list", leaf("contact.country", "in", "FR"), "non-empty list"),
    ("in empty", leaf("contact.country", "in", []), "non-empty list"),
    ("in numbers", leaf("contact.order_count", "in", [1, "two"]), "must be a number"),
    ("starts_with empty", leaf("contact.postal_code", "starts_with", ""), "non-empty string"),
    ("starts_with numbers", leaf("contact.postal_code", "starts_with", [75]), "non-empty string"),
    ("exists value", leaf("contact.city", "exists", "yes"), "true or false"),
    ("number value", leaf("contact.order_count", "gt", "many"), "must be a number"),
    ("bool value", leaf("contact.sms_consent", "eq", "true"), "true or false"),
    ("string value", leaf("contact.country", "eq", 33), "must be a string"),
    ("moment value", leaf("contact.first_order_at", "gt", "last year"), "ISO datetime"),
    ("relative unit", leaf("contact.first_order_at", "gt", {"weeks_ago": 2}), "ISO datetime"),
    ("relative negative", leaf("contact.first_order_at", "gt", {"days_ago": -1}), "ISO datetime"),
    ("relative huge", leaf("contact.first_order_at", "gt", {"days_ago": 10**9}), "ISO datetime"),
    ("null value", {"field": "context.x", "op": "eq", "value": None}, "string, a number or"),
    ("unknown key", leaf("contact.city", "eq", "x", negate=True), "unknown keys negate"),
    ("any value", leaf("context.x", "gt", [1]), "number, an ISO datetime"),
]


@pytest.mark.parametrize(
    ("predicate", "fragment"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid(predicate, fragment) -> None:
    errors = validate_predicate(predicate)
    assert any(fragment in error for error in errors), errors


def test_roots_can_be_limited() -> None:
    assert validate_predicate(leaf("contact.city", "eq", "Lyon"), roots=CONTACT_ROOTS) == []
    errors = validate_predicate(leaf("context.order.total", "gt", 1), roots=CONTACT_ROOTS)
    assert errors == ["field: context. fields cannot be used here"]


def test_referenced_messages() -> None:
    predicate = {
        "any": [
            leaf("message.e1.opened", "exists"),
            {"not": leaf("message.e2.clicked", "exists")},
            leaf("contact.city", "eq", "Lyon"),
        ]
    }
    assert referenced_messages(predicate) == {("e1", "opened"), ("e2", "clicked")}


PERSON = contact(
    country="FR",
    city="Paris",
    postal_code="75011",
    language="fr-FR",
    order_count=3,
    first_order_at=NOW - timedelta(days=200),
    last_order_at=NOW - timedelta(days=10),
    spend={"EUR": Decimal("250.00")},
    groups=frozenset({"vip", "newsletter"}),
    attributes={"tier": "Gold", "points": "120", "birthday": "1990-06-20"},
)
CTX = context(
    contact=PERSON,
    context={"checkout": {"total": "89.90", "lines": [{"sku": "TEE-1"}], "note": "", "gift": True}},
    messages={"e1": {"sent": NOW - timedelta(hours=3), "opened": NOW - timedelta(hours=1)}},
)

EVALUATIONS = [
    (leaf("contact.country", "eq", "fr"), True),  # case-insensitive
    (leaf("contact.country", "ne", "FR"), False),
    (leaf("contact.country", "in", ["BE", "FR"]), True),
    (leaf("contact.country", "not_in", ["BE", "FR"]), False),
    (leaf("contact.city", "eq", "PARIS"), True),
    (leaf("contact.postal_code", "starts_with", ["69", "75"]), True),
    (leaf("contact.postal_code", "starts_with", "751"), False),
    (leaf("contact.postal_code", "eq", "75011.0"), False),
    (leaf("contact.attributes.points", "eq", 120), True),
    (leaf("contact.attributes.points", "eq", "0120"), False),
    (leaf("contact.language", "starts_with", "fr"), True),
    (leaf("contact.email", "contains", "EXAMPLE.com"), True),
    (leaf("contact.timezone", "exists"), True),
    (leaf("contact.order_count", "gt", 2), True),
    (leaf("contact.order_count", "lte", 2), False),
    (leaf("contact.order_count", "eq", "3"), True),
    (leaf("contact.order_count", "in", [1, 3]), True),
    (leaf("contact.spend.EUR", "gte", 250), True),
    (leaf("contact.spend.EUR", "gt", "250.00"), False),
    (leaf("contact.spend.USD", "lt", 1), True),  # nothing spent is 0
    (leaf("contact.marketing_consent", "eq", True), True),
    (leaf("context.checkout.gift", "eq", True), True),
    (leaf("context.checkout.gift", "eq", 1), False),  # a bool is not a number
    (leaf("contact.first_order_at", "lt", {"days_ago": 180}), True),
    (leaf("contact.last_order_at", "gt", {"days_ago": 30}), True),
    (leaf("contact.last_order_at", "lt", {"hours_ago": 24}), True),
    (leaf("contact.last_order_at", "gt", "2026-01-01T00:00:00+00:00"), True),
    (leaf("contact.groups", "contains", "VIP"), True),
    (leaf("contact.groups", "contains", "blocked"), False),
    (leaf("contact.groups", "in", ["blocked", "newsletter"]), True),
    (leaf("contact.groups", "not_in", ["blocked"]), True),
    (leaf("contact.groups", "exists"), True),
    (leaf("contact.attributes.tier", "eq", "gold"), True),
    (leaf("contact.attributes.points", "gt", 100), True),  # a numeric string compares as a number
    (leaf("contact.attributes.birthday", "starts_with", "1990"), True),
    (leaf("contact.attributes.missing", "eq", "x"), False),
    (leaf("contact.attributes.missing", "ne", "x"), True),
    (leaf("contact.attributes.missing", "not_in", ["x"]), True),
    (leaf("contact.attributes.missing", "exists", False), True),
    (leaf("contact.attributes.missing", "gt", 1), False),
    (leaf("context.checkout.total", "gte", 89.9), True),
    (leaf("context.checkout.total", "lt", 50), False),
    (leaf("context.checkout.lines.0.sku", "eq", "tee-1"), True),
    (leaf("context.checkout.lines.5.sku", "exists"), False),
    (leaf("context.checkout.lines.sku", "exists"), False),
    (leaf("context.checkout.note", "exists"), False),  # empty string counts as missing
    (leaf("context.checkout", "exists"), True),
    (leaf("context.checkout", "eq", "x"), False),
    (leaf("context.order.total", "exists"), False),
    (leaf("message.e1.opened", "exists"), True),
    (leaf("message.e1.clicked", "exists"), False),
    (leaf("message.e1.opened", "gt", {"minutes_ago": 30}), False),
    (leaf("message.e9.opened", "exists", False), True),
    ({"all": [leaf("contact.country", "eq", "FR"), leaf("contact.order_count", "gt", 1)]}, True),
    ({"all": [leaf("contact.country", "eq", "FR"), leaf("contact.order_count", "gt", 5)]}, False),
    ({"any": [leaf("contact.country", "eq", "DE"), leaf("contact.city", "eq", "Paris")]}, True),
    ({"not": leaf("message.e1.clicked", "exists")}, True),
]


@pytest.mark.parametrize(("predicate", "expected"), EVALUATIONS)
def test_evaluate(predicate, expected) -> None:
    assert validate_predicate(predicate) == []
    assert evaluate_predicate(predicate, CTX, NOW) is expected


def test_ne_is_the_negation_of_eq_for_missing_values() -> None:
    for field in ("contact.city", "contact.attributes.x", "context.a.b"):
        eq = evaluate_predicate(leaf(field, "eq", "x"), contact(city=""), NOW)
        ne = evaluate_predicate(leaf(field, "ne", "x"), contact(city=""), NOW)
        assert (eq, ne) == (False, True)


def test_a_bare_contact_for_segments_and_entry_filters() -> None:
    assert evaluate_predicate(leaf("contact.city", "eq", "Paris"), PERSON, NOW)
    assert not evaluate_predicate(leaf("message.e1.opened", "exists"), PERSON, NOW)
    total = leaf("context.order.total", "gt", 10)
    assert not evaluate_predicate(total, PERSON, NOW)
    assert evaluate_predicate(total, PERSON, NOW, context={"order": {"total": 12}})


@pytest.mark.parametrize("predicate", [[], {"field": 3, "op": "eq"}, {"field": "contact.city"}])
def test_structurally_invalid_predicates_raise(predicate) -> None:
    with pytest.raises(PredicateError):
        evaluate_predicate(predicate, PERSON, NOW)


def test_naive_context_datetimes_are_utc() -> None:
    ctx = context(context={"checkout": {"updated_at": "2026-06-15T10:00:00"}})
    assert evaluate_predicate(leaf("context.checkout.updated_at", "lt", {"hours_ago": 1}), ctx, NOW)
    assert not evaluate_predicate(
        leaf("context.checkout.updated_at", "lt", {"hours_ago": 3}), ctx, NOW
    )
