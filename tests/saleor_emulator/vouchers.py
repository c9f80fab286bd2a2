"""Vouchers and their codes (the 3.18+ code model) in the emulated store: factories, and
what using a code means. The discount mutations and queries are in voucher_resolvers.py.

- A voucher with no listing in a channel cannot be used there, nor before startDate, after
  endDate, or once its single-use code was used: see `code_problem`.
- An order added to the store with a voucherCode uses the code up (store.py).
"""

import secrets
import string
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .ids import new_global_id
from .values import iso, now

if TYPE_CHECKING:
    from .store import Store


def generate_code() -> str:
    """Saleor's generate_promo_code: 12 random upper-case letters and digits."""
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))


def make_voucher(name: str | None = None, **fields: Any) -> dict:
    voucher = {
        "__typename": "Voucher",
        "id": new_global_id("Voucher"),
        "name": name,
        "type": "ENTIRE_ORDER",
        "discountValueType": "FIXED",
        "startDate": iso(now()),
        "endDate": None,
        "applyOncePerOrder": False,
        "applyOncePerCustomer": False,
        "onlyForStaff": False,
        "singleUse": False,
        "usageLimit": None,
        "minCheckoutItemsQuantity": 0,
        "countries": [],
        "channelListings": [],
        "metadata": [],
        "privateMetadata": [],
        "_codes": [],
    }
    voucher.update(fields)
    return voucher


def make_code(code: str, voucher: dict) -> dict:
    return {
        "__typename": "VoucherCode",
        "id": new_global_id("VoucherCode"),
        "code": code,
        "used": 0,
        "isActive": True,
        "createdAt": iso(now()),
        "_voucher": voucher,
    }


def code_problem(
    store: "Store", code: str, channel_slug: str, at: datetime | None = None
) -> str | None:
    """Why Saleor would refuse `code` in a checkout of `channel_slug` now (None: usable)."""
    record = store.voucher_codes.get(code)
    if record is None:
        return "no voucher has this code"
    voucher = record["_voucher"]
    moment = at or now()
    if not record["isActive"]:
        return "the code is no longer active"
    if voucher["singleUse"] and record["used"]:
        return "the single-use code was used"
    if voucher["usageLimit"] is not None and record["used"] >= voucher["usageLimit"]:
        return "the code reached its usage limit"
    if datetime.fromisoformat(voucher["startDate"]) > moment:
        return "the voucher has not started"
    if voucher["endDate"] and datetime.fromisoformat(voucher["endDate"]) < moment:
        return "the voucher has ended"
    listed = any(item["channel"]["slug"] == channel_slug for item in voucher["channelListings"])
    if not listed:
        return f"the voucher is not available in channel {channel_slug}"
    return None


def code_use(store: "Store", code: str | None) -> dict | None:
    """An order placed with `code`: the code counts one use; returns its voucher."""
    record = store.voucher_codes.get(code or "")
    if record is None:
        return None
    record["used"] += 1
    if record["_voucher"]["singleUse"]:
        record["isActive"] = False
    return record["_voucher"]
