"""Saleor's discount mutations and voucher queries over the emulated store (vouchers.py).

What is emulated, after saleor/graphql/discount/mutations/voucher/*.py:
- voucherCreate / voucherUpdate: `addCodes` entries are stripped; blank ones get a generated
  code; duplicates in the input are DUPLICATED_INPUT_ITEM and codes any voucher already
  has ALREADY_EXISTS, both on field "codes" with the codes in `voucherCodes`; an endDate
  before the startDate is INVALID; singleUse cannot change once a code was used; an unknown
  voucher id is NOT_FOUND on field "id".
- voucherChannelListingUpdate: a new listing needs a discountValue (REQUIRED), a percentage
  is at most 100, fixed amounts and minimum spends have the currency's precision (INVALID);
  listings are upserts per channel, and unknown channel ids are a GraphQL error.
- voucherCodeBulkDelete: ids that are not VoucherCode ids are INVALID on path "ids".
- voucher(id, channel) and vouchers(filter: {search}) (names and codes, case-insensitive).
"""

from collections import Counter
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLResolveInfo

from .connection import paginate
from .execution import Computed, RequestContext
from .ids import from_global_id, new_global_id
from .values import iso, money
from .vouchers import generate_code, make_code, make_voucher

if TYPE_CHECKING:
    from .store import Store

_ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK"})
_INPUT_FIELDS = {  # VoucherInput field -> stored key (the same names, kept explicit)
    "type": "type",
    "name": "name",
    "startDate": "startDate",
    "endDate": "endDate",
    "discountValueType": "discountValueType",
    "minCheckoutItemsQuantity": "minCheckoutItemsQuantity",
    "applyOncePerOrder": "applyOncePerOrder",
    "applyOncePerCustomer": "applyOncePerCustomer",
    "onlyForStaff": "onlyForStaff",
    "singleUse": "singleUse",
    "usageLimit": "usageLimit",
}


_NULLABLE = frozenset({"name", "endDate", "usageLimit", "minCheckoutItemsQuantity"})


def _error(field: str | None, code: str, message: str, **extra: Any) -> dict:
    return {
        "field": field,
        "code": code,
        "message": message,
        "products": None,
        "channels": None,
        "voucherCodes": None,
        **extra,
    }


def _payload(voucher: dict | None, errors: list[dict]) -> dict:
    return {"voucher": voucher, "errors": errors, "discountErrors": errors}


def _store(info: GraphQLResolveInfo) -> "Store":
    context: RequestContext = info.context
    return context.store


def _emit(info: GraphQLResolveInfo, event: str, voucher: dict) -> None:
    context: RequestContext = info.context
    principal = context.app.to_graphql() if context.app else None
    context.emitted.append((event, voucher, principal))


def _clean_codes(store: "Store", codes: list[str]) -> tuple[list[str], list[dict]]:
    cleaned = [code.strip() for code in codes]
    # Blank entries count too: two of them are duplicates for Saleor's check.
    duplicated = sorted(code for code, count in Counter(cleaned).items() if count > 1)
    if duplicated:
        message = "Duplicated promo codes provided."
        error = _error("codes", "DUPLICATED_INPUT_ITEM", message, voucherCodes=duplicated)
        return [], [error]
    taken = [c for c in cleaned if c and c in store.voucher_codes]
    if taken:
        return [], [
            _error("codes", "ALREADY_EXISTS", "Promo code already exists.", voucherCodes=taken)
        ]
    if any(len(c) > 255 for c in cleaned):
        message = "Ensure this value has at most 255 characters."
        return [], [_error("codes", "INVALID", message)]
    return [c or generate_code() for c in cleaned], []


def _dates_error(voucher: dict, changes: dict[str, Any]) -> list[dict]:
    start = changes.get("startDate", voucher["startDate"])
    end = changes.get("endDate", voucher["endDate"])
    if start and end and datetime.fromisoformat(str(end)) < datetime.fromisoformat(str(start)):
        return [_error("endDate", "INVALID", "End date cannot be before the start date.")]
    return []


def _input_changes(data: dict[str, Any]) -> dict[str, Any]:
    changes = {key: data[name] for name, key in _INPUT_FIELDS.items() if name in data}
    for key in ("startDate", "endDate"):
        if changes.get(key) is not None:
            changes[key] = iso(datetime.fromisoformat(str(changes[key])))
    return changes


def _settable(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes to apply: null clears a nullable field and leaves any other one as it is."""
    return {k: v for k, v in changes.items() if v is not None or k in _NULLABLE}


def _add_codes(store: "Store", voucher: dict, codes: list[str]) -> None:
    for code in codes:
        record = make_code(code, voucher)
        voucher["_codes"].append(record)
        store.voucher_codes[code] = record


def _codes_input(data: dict[str, Any]) -> tuple[list[str] | None, list[dict]]:
    if data.get("code") is not None and data.get("addCodes") is not None:
        message = "Argument 'code' cannot be combined with 'addCodes'."
        return None, [_error("code", "GRAPHQL_ERROR", message)]
    if data.get("code") is not None:
        return [data["code"]], []
    return data.get("addCodes"), []


def voucher_create(info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    store = _store(info)
    codes, errors = _codes_input(input)
    if not errors:
        codes, errors = _clean_codes(store, codes or [])
    voucher = make_voucher()
    changes = _input_changes(input)
    errors = errors or _dates_error(voucher, changes)
    if errors:
        return _payload(None, errors)
    voucher.update(_settable(changes))
    store.vouchers[voucher["id"]] = voucher
    _add_codes(store, voucher, codes or [])
    _emit(info, "VOUCHER_CREATED", voucher)
    return _payload(voucher, [])


def _voucher_or_error(store: "Store", id: str) -> tuple[dict | None, list[dict]]:
    try:
        type_name, _ = from_global_id(id)
    except ValueError:
        return None, [_error("id", "GRAPHQL_ERROR", f"Invalid ID: {id}. Expected: Voucher.")]
    if type_name != "Voucher":
        return None, [_error("id", "GRAPHQL_ERROR", f"Must receive a Voucher id: {id}.")]
    voucher = store.vouchers.get(id)
    if voucher is None:
        return None, [_error("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}")]
    return voucher, []


def voucher_update(info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> dict:
    store = _store(info)
    voucher, errors = _voucher_or_error(store, id)
    if voucher is None:
        return _payload(None, errors)
    codes, errors = _codes_input(input)
    if not errors and codes is not None:
        codes, errors = _clean_codes(store, codes)
    changes = _input_changes(input)
    errors = errors or _dates_error(voucher, changes)
    single_use = changes.get("singleUse")
    changing = single_use is not None and single_use != voucher["singleUse"]
    if not errors and changing and any(code["used"] for code in voucher["_codes"]):
        message = "Cannot change single use setting when any voucher code has already been used."
        errors = [_error("singleUse", "VOUCHER_ALREADY_USED", message)]
    if errors:
        return _payload(None, errors)
    voucher.update(_settable(changes))
    _add_codes(store, voucher, codes or [])
    _emit(info, "VOUCHER_UPDATED", voucher)
    return _payload(voucher, [])


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise GraphQLError(f"Invalid decimal value: {value!r}") from error
    if amount < 0:  # the PositiveDecimal scalar
        raise GraphQLError(f"Value cannot be lower than 0: {value!r}")
    return amount


def _precision_ok(amount: Decimal | None, currency: str) -> bool:
    places = 0 if currency in _ZERO_DECIMAL_CURRENCIES else 2
    return amount is None or -amount.normalize().as_tuple().exponent <= places


def _channels(store: "Store", ids: list[str]) -> list[dict]:
    found = [store.node(channel_id) for channel_id in ids]
    missing = [i for i, channel in zip(ids, found, strict=True) if channel is None]
    if missing:
        raise GraphQLError(f"Could not resolve to a node with the global id list of '{missing}'.")
    return [channel for channel in found if channel is not None]


def _listing_errors(voucher: dict, adds: list[dict], channels: list[dict]) -> list[dict]:
    listed = {listing["channel"]["id"] for listing in voucher["channelListings"]}
    problems: dict[tuple[str, str, str], list[str]] = {}

    def problem(field: str, code: str, message: str, channel_id: str) -> None:
        problems.setdefault((field, code, message), []).append(channel_id)

    for add, channel in zip(adds, channels, strict=True):
        channel_id, currency = add["channelId"], channel["currencyCode"]
        value = _decimal(add.get("discountValue"))
        # Saleor: a new listing needs a (non-zero) value; an explicit null never passes.
        if ("discountValue" in add and value is None) or (not value and channel_id not in listed):
            problem("discountValue", "REQUIRED", "Value is required for voucher.", channel_id)
        elif voucher["discountValueType"] == "FIXED" and not _precision_ok(value, currency):
            problem("discountValue", "INVALID", "Invalid amount precision.", channel_id)
        elif voucher["discountValueType"] == "PERCENTAGE" and value is not None and value > 100:
            problem("discountValue", "INVALID", "Invalid percentage value.", channel_id)
        if not _precision_ok(_decimal(add.get("minAmountSpent")), currency):
            problem("minAmountSpent", "INVALID", "Invalid amount precision.", channel_id)
    return [_error(f, c, m, channels=ids) for (f, c, m), ids in problems.items()]


def voucher_channel_listing_update(
    info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict:
    store = _store(info)
    voucher, errors = _voucher_or_error(store, id)
    if voucher is None:
        return _payload(None, errors)
    adds = input.get("addChannels") or []
    removes = input.get("removeChannels") or []
    add_ids = [add["channelId"] for add in adds]
    both = sorted(set(add_ids) & set(removes))
    if both:
        message = "Duplicated channel ID."
        return _payload(None, [_error("input", "DUPLICATED_INPUT_ITEM", message, channels=both)])
    repeated = sorted({i for i in add_ids if add_ids.count(i) > 1})
    if repeated:
        message = "Duplicated channel ID."
        return _payload(
            None, [_error("addChannels", "DUPLICATED_INPUT_ITEM", message, channels=repeated)]
        )
    channels = _channels(store, add_ids)
    _channels(store, removes)
    errors = _listing_errors(voucher, adds, channels)
    if errors:
        return _payload(None, errors)
    listings = voucher["channelListings"]
    for add, channel in zip(adds, channels, strict=True):
        listing = next((item for item in listings if item["channel"] is channel), None)
        if listing is None:
            listing = {
                "__typename": "VoucherChannelListing",
                "id": new_global_id("VoucherChannelListing"),
                "channel": channel,
                "currency": channel["currencyCode"],
                "minSpent": None,
            }
            listings.append(listing)
        if "discountValue" in add:
            listing["discountValue"] = float(_decimal(add["discountValue"]) or 0)
        if "minAmountSpent" in add:
            spent = _decimal(add["minAmountSpent"])
            listing["minSpent"] = (
                None if spent is None else money(float(spent), channel["currencyCode"])
            )
    listings[:] = [item for item in listings if item["channel"]["id"] not in removes]
    _emit(info, "VOUCHER_UPDATED", voucher)
    return _payload(voucher, [])


def voucher_code_bulk_delete(info: GraphQLResolveInfo, ids: list[str]) -> dict:
    store = _store(info)
    invalid = []
    for code_id in ids:
        try:
            type_name, _ = from_global_id(code_id)
        except ValueError:
            type_name = ""
        if type_name != "VoucherCode":
            invalid.append(code_id)
    if invalid:
        error = {
            "path": "ids",
            "code": "INVALID",
            "message": "Invalid VoucherCode ID.",
            "voucherCodes": invalid,
        }
        return {"count": 0, "errors": [error]}
    doomed = [record for record in store.voucher_codes.values() if record["id"] in ids]
    for record in doomed:
        record["_voucher"]["_codes"].remove(record)
        del store.voucher_codes[record["code"]]
    return {"count": len(doomed), "errors": []}


def resolve_voucher(info: GraphQLResolveInfo, id: str, channel: str | None = None) -> dict | None:
    try:
        from_global_id(id)
    except ValueError as error:
        raise GraphQLError(str(error)) from error
    voucher = _store(info).vouchers.get(id)
    return None if voucher is None else {**voucher, "_channel": channel}


def resolve_vouchers(info: GraphQLResolveInfo, **args: Any) -> dict:
    wanted = dict(args.get("filter") or {})
    search = str(wanted.pop("search", "") or "").lower()
    if wanted or args.get("query") or args.get("sortBy"):
        raise GraphQLError("Saleor emulator: only `vouchers(filter: {search})` is emulated")
    vouchers = [
        {**voucher, "_channel": args.get("channel")}
        for voucher in _store(info).vouchers.values()
        if not search
        or search in (voucher["name"] or "").lower()
        or any(search in code["code"].lower() for code in voucher["_codes"])
    ]
    return paginate(
        vouchers,
        name="vouchers",
        first=args.get("first"),
        last=args.get("last"),
        after=args.get("after"),
        before=args.get("before"),
    )


def _listing(voucher: dict) -> dict | None:
    slug = voucher.get("_channel")
    listings = voucher["channelListings"]
    return next((item for item in listings if item["channel"]["slug"] == slug), None)


def _codes(voucher: dict, info: GraphQLResolveInfo, **args: Any) -> dict:
    return paginate(voucher["_codes"], name="codes", **args)


def _empty(_voucher: dict, _info: GraphQLResolveInfo, **args: Any) -> dict:
    return paginate([], name="connection", **args)


def _last_code(voucher: dict) -> dict | None:
    return voucher["_codes"][-1] if voucher["_codes"] else None


def computed_fields() -> dict[tuple[str, str], Computed]:
    return {
        ("Voucher", "codes"): _codes,
        ("Voucher", "categories"): _empty,
        ("Voucher", "collections"): _empty,
        ("Voucher", "products"): _empty,
        ("Voucher", "variants"): _empty,
        ("Voucher", "translation"): lambda _v, _info, **_args: None,
        # Deprecated single-code fields read the last code, like Saleor's resolvers.
        ("Voucher", "code"): lambda v, _info: (_last_code(v) or {}).get("code"),
        ("Voucher", "used"): lambda v, _info: (_last_code(v) or {}).get("used", 0),
        ("Voucher", "discountValue"): lambda v, _info: (_listing(v) or {}).get("discountValue"),
        ("Voucher", "currency"): lambda v, _info: (_listing(v) or {}).get("currency"),
        ("Voucher", "minSpent"): lambda v, _info: (_listing(v) or {}).get("minSpent"),
    }
