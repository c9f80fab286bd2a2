"""A Saleor emulator for the test suite: real HTTP on loopback, Saleor's real schema.

    from tests.saleor_emulator import SaleorEmulator

See emulator.py for the API; fixtures live in tests/saleor/fixtures.py.
"""

from .app_stub import AppStub, StubRequest, StubResponse
from .catalog import make_category, make_channel, make_collection, make_product, make_variant
from .delivery import Delivery, HttpResult
from .emulator import SaleorEmulator
from .execution import EmulatorDataError
from .factories import make_address, make_checkout, make_customer, make_order
from .ids import from_global_id, to_global_id
from .install import InstallResult
from .manifest import ManifestError, parse_manifest
from .records import AppRecord, GraphQLRequest, WebhookRecord
from .schema import load_schema
from .subscription_rules import SubscriptionRuleError, check_subscription, subscription_events

__all__ = [
    "AppRecord",
    "AppStub",
    "Delivery",
    "EmulatorDataError",
    "GraphQLRequest",
    "HttpResult",
    "InstallResult",
    "ManifestError",
    "SaleorEmulator",
    "StubRequest",
    "StubResponse",
    "SubscriptionRuleError",
    "WebhookRecord",
    "check_subscription",
    "from_global_id",
    "load_schema",
    "make_address",
    "make_category",
    "make_channel",
    "make_checkout",
    "make_collection",
    "make_customer",
    "make_order",
    "make_product",
    "make_variant",
    "parse_manifest",
    "subscription_events",
    "to_global_id",
]
