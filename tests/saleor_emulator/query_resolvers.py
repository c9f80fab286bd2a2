"""Root `Query` fields and computed object fields of the emulated Saleor API.

Root fields are callables in the root value (graphql-core calls them with (info, **args));
fields that need the whole store (User.orders, metafield...) are in COMPUTED.
"""

from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from .connection import paginate
from .execution import Computed, RequestContext
from .filters import Spec, select, sort
from .ids import from_global_id
from .permissions import permission_denied
from .schema import permission_names
from .voucher_resolvers import computed_fields as voucher_fields
from .voucher_resolvers import resolve_voucher, resolve_vouchers

CHECKOUT_READERS = ("MANAGE_CHECKOUTS", "IMPERSONATE_USER", "HANDLE_PAYMENTS")
PRODUCT_READERS = ("MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_DISCOUNTS")


def _context(info: GraphQLResolveInfo) -> RequestContext:
    return info.context


def _holds(context: RequestContext, permissions: tuple[str, ...]) -> bool:
    return context.app is not None and any(p in context.app.permissions for p in permissions)


def _checkout_token(order: dict) -> str | None:
    return from_global_id(order["checkoutId"])[1] if order["checkoutId"] else None


def _checkout_customer(checkout: dict) -> str:
    user = checkout["user"] or {}
    return " ".join(filter(None, [checkout["email"], user.get("firstName"), user.get("lastName")]))


def customer_spec(context: RequestContext) -> Spec:
    store = context.store
    return {
        "ids": ("in_list", lambda u: u["id"]),
        "email": ("one_of", lambda u: u["email"]),
        "firstName": ("one_of", lambda u: u["firstName"]),
        "lastName": ("one_of", lambda u: u["lastName"]),
        "isActive": ("equals", lambda u: u["isActive"]),
        "dateJoined": ("datetime_range", lambda u: u["dateJoined"]),
        "updatedAt": ("datetime_range", lambda u: u["updatedAt"]),
        "metadata": ("metadata", lambda u: u["metadata"]),
        "numberOfOrders": ("int", lambda u: len(store.orders_of(u))),
        "placedOrdersAt": ("any_in_range", lambda u: [o["created"] for o in store.orders_of(u)]),
    }


ORDER_SPEC: Spec = {
    "ids": ("in_list", lambda o: o["id"]),
    "number": ("int", lambda o: int(o["number"])),
    "channelId": ("one_of", lambda o: o["channel"]["id"]),
    "createdAt": ("datetime_range", lambda o: o["created"]),
    "updatedAt": ("datetime_range", lambda o: o["updatedAt"]),
    "user": ("one_of", lambda o: o["user"]["id"] if o["user"] else None),
    "userEmail": ("one_of", lambda o: o["userEmail"]),
    "status": ("one_of", lambda o: o["status"]),
    "chargeStatus": ("one_of", lambda o: o["chargeStatus"]),
    "authorizeStatus": ("one_of", lambda o: o["authorizeStatus"]),
    "checkoutId": ("one_of", lambda o: o["checkoutId"]),
    "checkoutToken": ("one_of", _checkout_token),
    "voucherCode": ("one_of", lambda o: o["voucherCode"]),
    "metadata": ("metadata", lambda o: o["metadata"]),
    "linesCount": ("int", lambda o: len(o["lines"])),
}
ORDER_SORT = {
    "NUMBER": lambda o: int(o["number"]),
    "CREATION_DATE": lambda o: o["created"],
    "CREATED_AT": lambda o: o["created"],
    "LAST_MODIFIED_AT": lambda o: o["updatedAt"],
    "CUSTOMER": lambda o: o["userEmail"] or "",
    "STATUS": lambda o: o["status"],
}
CHECKOUT_SPEC: Spec = {
    "customer": ("search", _checkout_customer),
    "created": ("date_range", lambda c: c["created"]),
    "updatedAt": ("date_range", lambda c: c["updatedAt"]),
    "channels": ("in_list", lambda c: c["channel"]["id"]),
    "metadata": ("metadata", lambda c: c["metadata"]),
    "authorizeStatus": ("in_list", lambda c: c["authorizeStatus"]),
    "chargeStatus": ("in_list", lambda c: c["chargeStatus"]),
}
CHECKOUT_SORT = {
    "CREATION_DATE": lambda c: c["created"],
    "CUSTOMER": lambda c: c["email"] or "",
}
USER_SORT = {
    "FIRST_NAME": lambda u: u["firstName"],
    "LAST_NAME": lambda u: u["lastName"],
    "EMAIL": lambda u: u["email"],
    "CREATED_AT": lambda u: u["dateJoined"],
    "LAST_MODIFIED_AT": lambda u: u["updatedAt"],
}


def _stock_availability(product: dict) -> str:
    # An untracked variant (quantityAvailable null) sells without a stock limit.
    quantities = [v["quantityAvailable"] for v in product["variants"]]
    in_stock = any(q is None or q > 0 for q in quantities)
    return "IN_STOCK" if in_stock else "OUT_OF_STOCK"


PRODUCT_SPEC: Spec = {
    "ids": ("in_list", lambda p: p["id"]),
    "name": ("one_of", lambda p: p["name"]),
    "slug": ("one_of", lambda p: p["slug"]),
    "category": ("one_of", lambda p: p["category"]["id"] if p["category"] else None),
    "collection": ("any_one_of", lambda p: [c["id"] for c in p["collections"]]),
    "productType": ("one_of", lambda p: p["productType"]["id"]),
    "isAvailable": ("equals", lambda p: p["isAvailable"]),
    "isPublished": ("equals", lambda p: True),
    # Set on the copies products(channel:) returns; without a channel no listing matches.
    "isVisibleInListing": (
        "equals",
        lambda p: any(
            listing["visibleInListings"]
            for listing in p["channelListings"]
            if listing["channel"]["slug"] == p["channel"]
        ),
    ),
    "hasCategory": ("equals", lambda p: p["category"] is not None),
    "stockAvailability": ("equals", lambda p: _stock_availability(p)),
}
PRODUCT_SORT = {
    "NAME": lambda p: p["name"],
    "CREATED_AT": lambda p: p["created"],
    "LAST_MODIFIED_AT": lambda p: p["updatedAt"],
    "PRICE": lambda p: p["pricing"]["priceRange"]["start"]["gross"]["amount"],
}


def _no_legacy_filter(args: dict[str, Any], label: str) -> None:
    for name in ("filter", "search"):
        if args.get(name):
            raise GraphQLError(f"Saleor emulator: `{label}({name}:)` is not emulated; use where")


def _page(nodes: list[dict], name: str, args: dict[str, Any], **kwargs: Any) -> dict:
    return paginate(
        nodes,
        name=name,
        first=args.get("first"),
        last=args.get("last"),
        after=args.get("after"),
        before=args.get("before"),
        **kwargs,
    )


# -- root Query ---------------------------------------------------------------------------------


def resolve_app(info: GraphQLResolveInfo, id: str | None = None) -> dict | None:
    context = _context(info)
    assert context.app is not None  # the field rule refused anonymous requests
    if id is None or id == context.app.id:
        return context.app.to_graphql()
    if "MANAGE_APPS" not in context.app.permissions:
        raise permission_denied(
            "To access this path, you need one of the following permissions: MANAGE_APPS"
        )
    other = context.store.apps.get(id)
    return other.to_graphql() if other else None


def resolve_user(
    info: GraphQLResolveInfo,
    id: str | None = None,
    email: str | None = None,
    externalReference: str | None = None,
) -> dict | None:
    given = [v for v in (id, email, externalReference) if v is not None]
    if len(given) != 1:
        raise GraphQLError("Argument 'id' or 'email' or 'externalReference' is required.")
    store = _context(info).store
    if id is not None:
        node = store.node(id)
        return node if node and node["__typename"] == "User" else None
    if email is not None:
        return store.customer_by_email(email)
    return next(
        (u for u in store.customers.values() if u["externalReference"] == externalReference),
        None,
    )


def resolve_customers(info: GraphQLResolveInfo, **args: Any) -> dict:
    context = _context(info)
    _no_legacy_filter(args, "customers")
    # Staff users appear only once they placed an order (PROTOCOL §4.2).
    users = [
        u
        for u in context.store.customers.values()
        if not u["isStaff"] or context.store.orders_of(u)
    ]
    users = sorted(users, key=lambda u: u["email"])  # User.Meta.ordering
    users = select(users, args.get("where"), customer_spec(context), "customers(where:)")
    users = sort(users, args.get("sortBy"), USER_SORT, "customers")
    return _page(users, "customers", args)


def _orders(context: RequestContext, nodes: list[dict], args: dict[str, Any], label: str) -> dict:
    if args.get("channel"):
        nodes = [o for o in nodes if o["channel"]["slug"] == args["channel"]]
    nodes = sorted(nodes, key=lambda o: -int(o["number"]))  # Order.Meta.ordering = -number
    nodes = select(nodes, args.get("where"), ORDER_SPEC, f"{label}(where:)")
    nodes = sort(nodes, args.get("sortBy"), ORDER_SORT, label)
    return _page(nodes, label, args)


def resolve_orders(info: GraphQLResolveInfo, **args: Any) -> dict:
    context = _context(info)
    _no_legacy_filter(args, "orders")
    orders = [o for o in context.store.orders.values() if o["status"] != "DRAFT"]
    return _orders(context, orders, args, "orders")


def resolve_checkouts(info: GraphQLResolveInfo, **args: Any) -> dict:
    context = _context(info)
    checkouts = list(context.store.checkouts.values())
    if args.get("channel"):
        checkouts = [c for c in checkouts if c["channel"]["slug"] == args["channel"]]
    checkouts = sorted(checkouts, key=lambda c: c["lastChange"], reverse=True)
    checkouts = select(checkouts, args.get("filter"), CHECKOUT_SPEC, "checkouts(filter:)")
    checkouts = sort(checkouts, args.get("sortBy"), CHECKOUT_SORT, "checkouts")
    return _page(checkouts, "checkouts", args)


def resolve_checkout(
    info: GraphQLResolveInfo, id: str | None = None, token: str | None = None
) -> dict | None:
    context = _context(info)
    store = context.store
    if id is not None:
        checkout = store.node(id)
    else:
        checkout = next((c for c in store.checkouts.values() if c["token"] == token), None)
    if checkout is None or checkout["__typename"] != "Checkout":
        return None
    if not checkout["channel"]["isActive"] and not _holds(context, CHECKOUT_READERS):
        raise permission_denied(
            "To access this path, you need one of the following permissions: "
            + ", ".join(CHECKOUT_READERS)
        )
    return checkout


def _visible_products(context: RequestContext, channel: str | None) -> list[dict]:
    products = list(context.store.products.values())
    if channel is None:
        # PROTOCOL §1.3: without `channel` an app without product permissions sees nothing.
        return products if _holds(context, PRODUCT_READERS) else []
    return [
        {**p, "channel": channel}
        for p in products
        if any(listing["channel"]["slug"] == channel for listing in p["channelListings"])
    ]


def resolve_products(info: GraphQLResolveInfo, **args: Any) -> dict:
    context = _context(info)
    _no_legacy_filter(args, "products")
    products = _visible_products(context, args.get("channel"))
    products = select(products, args.get("where"), PRODUCT_SPEC, "products(where:)")
    products = sort(products, args.get("sortBy"), PRODUCT_SORT, "products")
    return _page(products, "products", args)


def resolve_product(info: GraphQLResolveInfo, **args: Any) -> dict | None:
    products = _visible_products(_context(info), args.get("channel"))
    for product in products:
        if args.get("id") == product["id"] or args.get("slug") == product["slug"]:
            return product
    return None


def resolve_channel(
    info: GraphQLResolveInfo, id: str | None = None, slug: str | None = None
) -> dict | None:
    for channel in _context(info).store.channels.values():
        if channel["id"] == id or channel["slug"] == slug:
            return channel
    return None


def query_root() -> dict[str, Any]:
    return {
        "app": resolve_app,
        "shop": lambda info: _context(info).store.shop,
        "channels": lambda info: list(_context(info).store.channels.values()),
        "channel": resolve_channel,
        "user": resolve_user,
        "customers": resolve_customers,
        "orders": resolve_orders,
        "checkouts": resolve_checkouts,
        "checkout": resolve_checkout,
        "products": resolve_products,
        "product": resolve_product,
        "voucher": resolve_voucher,
        "vouchers": resolve_vouchers,
    }


# -- computed fields -----------------------------------------------------------------------------


def _user_orders(user: dict, info: GraphQLResolveInfo, **args: Any) -> dict:
    context = _context(info)
    # With MANAGE_ORDERS this includes drafts (PROTOCOL §6): callers filter on status.
    return _orders(context, context.store.orders_of(user), args, "orders")


def _metafield(source: dict, key: str, private: bool) -> str | None:
    items = source["privateMetadata" if private else "metadata"]
    return next((item["value"] for item in items if item["key"] == key), None)


def _metafields(source: dict, keys: list[str] | None, private: bool) -> dict[str, str]:
    items = source["privateMetadata" if private else "metadata"]
    return {i["key"]: i["value"] for i in items if keys is None or i["key"] in keys}


def computed_fields() -> dict[tuple[str, str], Computed]:
    return {
        ("User", "orders"): _user_orders,
        ("User", "checkoutIds"): lambda user, info: [
            c["id"] for c in _context(info).store.checkouts.values() if c["user"] is user
        ],
        ("User", "checkoutTokens"): lambda user, info: [
            c["token"] for c in _context(info).store.checkouts.values() if c["user"] is user
        ],
        ("Shop", "channelCurrencies"): lambda _shop, info: sorted(
            {c["currencyCode"] for c in _context(info).store.channels.values()}
        ),
        ("Shop", "permissions"): lambda _shop, info: [
            {"code": code, "name": code.replace("_", " ").capitalize()}
            for code in sorted(permission_names(info.schema))
        ],
        ("*", "metafield"): lambda src, _info, key: _metafield(src, key, private=False),
        ("*", "privateMetafield"): lambda src, _info, key: _metafield(src, key, private=True),
        ("*", "metafields"): lambda src, _info, keys=None: _metafields(src, keys, private=False),
        ("*", "privateMetafields"): lambda src, _info, keys=None: _metafields(
            src, keys, private=True
        ),
        **voucher_fields(),
    }
