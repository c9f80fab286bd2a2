"""trigger: where an enrollment starts. Which events start one is decided by the trigger
matcher elsewhere; here the params are checked, and evaluating the node just moves on."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..context import NodeContext
from ..decisions import Goto
from ..predicates import CONTACT_ROOTS
from .params import ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "trigger"


class TriggerEvent:
    CHECKOUT_ABANDONED = "checkout_abandoned"  # idle_minutes
    CUSTOMER_CREATED = "customer_created"
    ACCOUNT_CONFIRMED = "account_confirmed"
    ORDER_PAID = "order_paid"  # first_order_only
    ORDER_FULFILLED = "order_fulfilled"
    REPEAT_ORDER = "repeat_order"
    CUSTOMER_METADATA_CHANGED = "customer_metadata_changed"  # key, value
    NO_ORDER_FOR_DAYS = "no_order_for_days"  # days
    DATE_FIELD = "date_field"  # field, days_before
    SEGMENT_ENTERED = "segment_entered"  # segment
    ALL = (
        CHECKOUT_ABANDONED,
        CUSTOMER_CREATED,
        ACCOUNT_CONFIRMED,
        ORDER_PAID,
        ORDER_FULFILLED,
        REPEAT_ORDER,
        CUSTOMER_METADATA_CHANGED,
        NO_ORDER_FOR_DAYS,
        DATE_FIELD,
        SEGMENT_ENTERED,
    )


BIRTHDAY = "birthday"  # date_field's field for the contact's birthday


@dataclass(frozen=True)
class TriggerParams:
    """Only the fields of `event` are set; the others keep their defaults."""

    event: str
    idle_minutes: int | None = None
    first_order_only: bool = False
    key: str | None = None
    value: str | None = None  # None: any change of `key`
    days: int | None = None
    field: str | None = None  # BIRTHDAY or a customer metadata key
    days_before: int | None = None
    segment: Mapping[str, Any] | None = None


def parse_params(r: ParamReader) -> TriggerParams:
    event = r.string("event", choices=TriggerEvent.ALL)
    if event == TriggerEvent.CHECKOUT_ABANDONED:
        return TriggerParams(
            event, idle_minutes=r.integer("idle_minutes", minimum=1, maximum=43200, default=60)
        )
    if event == TriggerEvent.ORDER_PAID:
        return TriggerParams(event, first_order_only=r.boolean("first_order_only", False))
    if event == TriggerEvent.CUSTOMER_METADATA_CHANGED:
        key, value = r.string("key"), r.raw("value")
        if value is not None and not isinstance(value, str):
            r.issue("value", "must be a string, or null for any change")
            value = None
        return TriggerParams(event, key=key, value=value)
    if event == TriggerEvent.NO_ORDER_FOR_DAYS:
        return TriggerParams(event, days=r.integer("days", minimum=1, maximum=3650))
    if event == TriggerEvent.DATE_FIELD:
        return TriggerParams(
            event,
            field=r.string("field"),
            days_before=r.integer("days_before", minimum=0, maximum=365, default=0),
        )
    if event == TriggerEvent.SEGMENT_ENTERED:
        return TriggerParams(event, segment=r.predicate("segment", roots=CONTACT_ROOTS))
    return TriggerParams(event)


def labels(params: TriggerParams) -> tuple[str, ...]:
    return ("next",)


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Goto:
    return Goto("next")
