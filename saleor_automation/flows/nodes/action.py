"""action: a side effect the engine runs after commit, keyed by (enrollment, node) so a
retry cannot repeat it; evaluating the node only says which one, with checked params.

Kinds and their params (Act.params carries exactly these keys):
- create_voucher: discount_type "percent" | "fixed", value (a decimal string, > 0; percent at
  most 100), valid_days (1..365), channel (a Saleor channel slug)
- write_metadata: key, value (a string, may be empty), private (bool, default false)
- add_to_group / move_to_group: group
- call_webhook: url (http or https; the runtime applies its own URL-safety rules on call)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..context import NodeContext
from ..decisions import Act
from .params import ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "action"
MAX_VOUCHER_VALUE = Decimal(1_000_000)


class ActionKind:
    CREATE_VOUCHER = "create_voucher"
    WRITE_METADATA = "write_metadata"
    ADD_TO_GROUP = "add_to_group"
    MOVE_TO_GROUP = "move_to_group"
    CALL_WEBHOOK = "call_webhook"
    ALL = (CREATE_VOUCHER, WRITE_METADATA, ADD_TO_GROUP, MOVE_TO_GROUP, CALL_WEBHOOK)


class DiscountType:
    PERCENT = "percent"
    FIXED = "fixed"
    ALL = (PERCENT, FIXED)


@dataclass(frozen=True)
class ActionParams:
    kind: str
    options: Mapping[str, Any]  # JSON-ready: what Act.params carries


def parse_params(r: ParamReader) -> ActionParams:
    kind = r.string("kind", choices=ActionKind.ALL)
    options: dict[str, Any] = {}
    if kind == ActionKind.CREATE_VOUCHER:
        discount_type = r.string("discount_type", choices=DiscountType.ALL)
        limit = Decimal(100) if discount_type == DiscountType.PERCENT else MAX_VOUCHER_VALUE
        options = {
            "discount_type": discount_type,
            "value": _amount(r, "value", limit),
            "valid_days": r.integer("valid_days", minimum=1, maximum=365),
            "channel": r.string("channel"),
        }
    elif kind == ActionKind.WRITE_METADATA:
        value = r.raw("value")
        if not isinstance(value, str) or len(value) > 2000:
            r.issue("value", "must be a string of at most 2000 characters")
        options = {"key": r.string("key"), "value": value, "private": r.boolean("private", False)}
    elif kind in (ActionKind.ADD_TO_GROUP, ActionKind.MOVE_TO_GROUP):
        options = {"group": r.string("group", max_length=100)}
    elif kind == ActionKind.CALL_WEBHOOK:
        url = r.string("url", max_length=2000)
        parts = urlsplit(url) if url else None
        if url and (parts is None or parts.scheme not in ("http", "https") or not parts.hostname):
            r.issue("url", "must be an http or https URL")
        options = {"url": url}
    return ActionParams(kind, options)


def _amount(r: ParamReader, key: str, limit: Decimal) -> str:
    value = r.raw(key)
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidOperation
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        r.issue(key, "must be a number")
        return ""
    if not amount.is_finite() or not 0 < amount <= limit:
        r.issue(key, f"must be more than 0 and at most {limit}")
    return str(amount)


def labels(params: ActionParams) -> tuple[str, ...]:
    return ("next",)


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Act:
    params: ActionParams = node.params
    return Act(params.kind, dict(params.options))
