"""What the emulated Saleor holds: catalog, customers, checkouts, orders, vouchers, apps and
the shop.

`add()` files a factory-made dict under its `__typename` and swaps shared references
(channel, category, collection, product type) for the stored object with the same slug, so
objects built independently still point at one channel/category like rows in Saleor's DB.
"""

from collections.abc import Iterator

from .catalog import make_channel
from .ids import from_global_id
from .records import AppRecord
from .schema import SALEOR_VERSION, SCHEMA_VERSION
from .values import country, metadata_items
from .vouchers import code_use


class Store:
    def __init__(self, domain: str) -> None:
        self.channels: dict[str, dict] = {}  # by slug
        self.categories: dict[str, dict] = {}
        self.collections: dict[str, dict] = {}
        self.product_types: dict[str, dict] = {}
        self.products: dict[str, dict] = {}  # the rest by global id, in insertion order
        self.customers: dict[str, dict] = {}
        self.checkouts: dict[str, dict] = {}
        self.orders: dict[str, dict] = {}
        self.vouchers: dict[str, dict] = {}
        self.voucher_codes: dict[str, dict] = {}  # every voucher's codes, by code
        self.apps: dict[str, AppRecord] = {}
        self.shop = make_shop(domain)
        self.add(make_channel())

    # -- adding ------------------------------------------------------------------------------

    def add(self, obj: dict) -> dict:
        kind = obj.get("__typename")
        adders = {
            "Channel": self._add_channel,
            "Category": lambda o: self._shared(self.categories, o),
            "Collection": lambda o: self._shared(self.collections, o),
            "ProductType": lambda o: self._shared(self.product_types, o),
            "Product": self._add_product,
            "User": self._add_customer,
            "Checkout": self._add_checkout,
            "Order": self._add_order,
        }
        if kind not in adders:
            raise TypeError(f"the emulator stores no {kind!r} objects")
        return adders[kind](obj)

    def _shared(self, table: dict[str, dict], obj: dict) -> dict:
        return table.setdefault(obj["slug"], obj)

    def _add_channel(self, channel: dict) -> dict:
        return self._shared(self.channels, channel)

    def _add_product(self, product: dict) -> dict:
        if product["id"] in self.products:
            return self.products[product["id"]]
        if product["category"] is not None:
            product["category"] = self._shared(self.categories, product["category"])
        product["collections"] = [self._shared(self.collections, c) for c in product["collections"]]
        product["productType"] = self._shared(self.product_types, product["productType"])
        for listing in product["channelListings"]:
            listing["channel"] = self._add_channel(listing["channel"])
        self.products[product["id"]] = product
        return product

    def _add_customer(self, user: dict) -> dict:
        return self.customers.setdefault(user["id"], user)

    def _add_lines_products(self, obj: dict) -> None:
        for line in obj["lines"]:
            if line["variant"] is not None:
                self._add_product(line["variant"]["product"])

    def _add_checkout(self, checkout: dict) -> dict:
        checkout["channel"] = self._add_channel(checkout["channel"])
        if checkout["user"] is not None:
            checkout["user"] = self._add_customer(checkout["user"])
        self._add_lines_products(checkout)
        return self.checkouts.setdefault(checkout["id"], checkout)

    def _add_order(self, order: dict) -> dict:
        order["channel"] = self._add_channel(order["channel"])
        order["channel"]["hasOrders"] = True
        if order["id"] not in self.orders:
            order["voucher"] = code_use(self, order["voucherCode"]) or order["voucher"]
        if order["user"] is not None:
            order["user"] = self._add_customer(order["user"])
        self._add_lines_products(order)
        return self.orders.setdefault(order["id"], order)

    def remove(self, obj: dict) -> None:
        table = {
            "Product": self.products,
            "User": self.customers,
            "Checkout": self.checkouts,
            "Order": self.orders,
        }[obj["__typename"]]
        table.pop(obj["id"], None)

    # -- lookups -------------------------------------------------------------------------------

    def node(self, global_id: str) -> dict | None:
        """The stored object behind a global ID (None for unknown or malformed IDs)."""
        try:
            type_name, _ = from_global_id(global_id)
        except ValueError:
            return None
        table = {
            "User": self.customers,
            "Checkout": self.checkouts,
            "Order": self.orders,
            "Product": self.products,
        }.get(type_name)
        if table is not None:
            return table.get(global_id)
        if type_name == "Voucher":
            return self.vouchers.get(global_id)
        if type_name == "VoucherCode":
            return next((c for c in self.voucher_codes.values() if c["id"] == global_id), None)
        if type_name == "Channel":
            return next((c for c in self.channels.values() if c["id"] == global_id), None)
        return None

    def customer_by_email(self, email: str) -> dict | None:
        wanted = email.lower()
        return next((u for u in self.customers.values() if u["email"].lower() == wanted), None)

    def orders_of(self, user: dict) -> list[dict]:
        return [o for o in self.orders.values() if o["user"] is not None and o["user"] is user]

    def app_by_token(self, token: str) -> AppRecord | None:
        return next((app for app in self.apps.values() if app.token == token), None)

    def webhooks(self) -> Iterator:
        for app in self.apps.values():
            yield from app.webhooks


def make_shop(domain: str) -> dict:
    return {
        "__typename": "Shop",
        "id": "U2hvcDox",  # Saleor's single Shop has a fixed id
        "name": "Saleor e-commerce",
        "description": "Emulated Saleor store",
        "version": SALEOR_VERSION,
        "schemaVersion": SCHEMA_VERSION,
        "domain": {"host": domain, "sslEnabled": False, "url": f"http://{domain}"},
        "defaultMailSenderName": "Saleor e-commerce",
        "defaultMailSenderAddress": "noreply@example.com",
        "defaultCountry": country("US"),
        "companyAddress": None,
        "headerText": None,
        "customerSetPasswordUrl": None,
        "enableAccountConfirmationByEmail": True,
        "allowLoginWithoutConfirmation": False,
        "useLegacyUpdateWebhookEmission": False,
        "includeTaxesInPrices": True,
        "displayGrossPrices": True,
        "chargeTaxesOnShipping": True,
        "fulfillmentAutoApprove": True,
        "fulfillmentAllowUnpaid": True,
        "trackInventoryByDefault": True,
        "metadata": metadata_items(None),
        "privateMetadata": [],
    }
