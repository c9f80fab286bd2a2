"""Typed views of what Saleor sends: webhook bodies and backfill page nodes.

The shapes follow graphql/saleor/fragments/*.graphql exactly; webhook documents and backfill
queries spread the same fragments, so `Checkout`, `Order` and `Customer` parse both.

Saleor nulls a field it may not show (usually a missing permission) and adds an `errors`
list to the body, so nearly every field here is optional even where the schema says `!`.
Consumers treat None on a schema-non-null field as "unknown", never as "cleared".

    parse_event(event_type, body) -> Event subclass (one per __typename), or PayloadError
"""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "EVENT_CLASSES",
    "Address",
    "App",
    "Checkout",
    "CheckoutLine",
    "Customer",
    "Event",
    "Money",
    "Order",
    "OrderLine",
    "PayloadError",
    "Principal",
    "UserRef",
    "describe_validation_error",
    "load_json",
    "parse_event",
]


class PayloadError(ValueError):
    """A body that is not the payload its event type promises.

    The message names field locations and error kinds only, never input values: it ends up
    in logs and in InboxEvent.last_error, and payloads carry personal data.
    """


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class Money(_Model):
    amount: Decimal | None = None
    currency: str | None = None


class TaxedMoney(_Model):
    gross: Money | None = None


class Country(_Model):
    code: str | None = None


class Address(_Model):
    first_name: str | None = None
    last_name: str | None = None
    city: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    country: Country | None = None


class MetadataItem(_Model):
    key: str
    value: str | None = None


class UserRef(_Model):
    """The short user selection on checkouts, orders and account events."""

    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    # Not selected by the fragments today; honoured if a document adds it.
    is_staff: bool | None = None


class Channel(_Model):
    id: str | None = None
    slug: str | None = None
    currency_code: str | None = None


class Thumbnail(_Model):
    url: str | None = None
    alt: str | None = None


class Category(_Model):
    id: str
    slug: str | None = None
    name: str | None = None


class ProductType(_Model):
    id: str
    name: str | None = None


class Collection(_Model):
    id: str
    slug: str | None = None


class Product(_Model):
    id: str
    name: str | None = None
    slug: str | None = None
    thumbnail: Thumbnail | None = None
    category: Category | None = None
    product_type: ProductType | None = None
    collections: list[Collection] | None = None


class _WithMetadata(_Model):
    metadata: list[MetadataItem] | None = None

    def metadata_value(self, key: str) -> str | None:
        for item in self.metadata or ():
            if item.key == key:
                return item.value
        return None


class CheckoutVariant(_Model):
    id: str
    name: str | None = None
    sku: str | None = None
    product: Product | None = None


class CheckoutLine(_Model):
    id: str | None = None
    quantity: int = 0
    undiscounted_unit_price: Money | None = None
    total_price: TaxedMoney | None = None
    variant: CheckoutVariant | None = None


class Checkout(_WithMetadata):
    id: str
    token: str | None = None
    email: str | None = None
    created: datetime | None = None
    updated_at: datetime | None = None
    language_code: str | None = None
    quantity: int | None = None
    voucher_code: str | None = None
    user: UserRef | None = None
    channel: Channel | None = None
    total_price: TaxedMoney | None = None
    subtotal_price: TaxedMoney | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    lines: list[CheckoutLine] | None = None


class OrderVariant(_Model):
    id: str
    product: Product | None = None


class OrderLine(_Model):
    id: str | None = None
    product_name: str | None = None
    variant_name: str | None = None
    product_sku: str | None = None
    product_variant_id: str | None = None
    quantity: int = 0
    quantity_fulfilled: int | None = None
    unit_price: TaxedMoney | None = None
    total_price: TaxedMoney | None = None
    thumbnail: Thumbnail | None = None
    variant: OrderVariant | None = None


class Order(_WithMetadata):
    id: str
    number: str | None = None
    created: datetime | None = None
    updated_at: datetime | None = None
    status: str | None = None
    origin: str | None = None
    checkout_id: str | None = None
    user_email: str | None = None
    language_code_enum: str | None = None
    is_paid: bool | None = None
    charge_status: str | None = None
    voucher_code: str | None = None
    user: UserRef | None = None
    channel: Channel | None = None
    total: TaxedMoney | None = None
    subtotal: TaxedMoney | None = None
    total_refunded: Money | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    lines: list[OrderLine] | None = None


class Customer(_WithMetadata):
    """A `User` as the AutomationCustomer fragment selects it."""

    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_active: bool | None = None
    is_confirmed: bool | None = None
    is_staff: bool | None = None
    date_joined: datetime | None = None
    updated_at: datetime | None = None
    language_code: str | None = None
    external_reference: str | None = None
    default_shipping_address: Address | None = None
    default_billing_address: Address | None = None


class App(_Model):
    id: str
    is_active: bool | None = None


class ChannelRef(_Model):
    slug: str | None = None


class GraphQLError(_Model):
    message: str = ""
    path: list[str | int] | None = None


class Principal(NamedTuple):
    """Who caused the event: kind is "App" or "User"; id may be hidden (None)."""

    kind: str
    id: str | None


class Event(_Model):
    """Fields every event document selects; subclasses add the object."""

    event_type: ClassVar[str]
    typename: str = Field(alias="__typename")
    issued_at: datetime | None = None
    version: str | None = None
    issuing_principal: Principal | None = None
    errors: list[GraphQLError] = Field(default_factory=list)

    @field_validator("issuing_principal", mode="before")
    @classmethod
    def _principal(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return Principal(kind=str(value.get("__typename") or ""), id=value.get("id"))
        return value

    @field_validator("errors", mode="before")
    @classmethod
    def _errors(cls, value: Any) -> Any:
        return [] if value is None else value


class CheckoutEvent(Event):
    checkout: Checkout | None = None


class OrderEvent(Event):
    order: Order | None = None


class CustomerEvent(Event):
    user: Customer | None = None


class AccountEvent(Event):
    channel: ChannelRef | None = None


class AppEvent(Event):
    app: App | None = None


class CheckoutCreated(CheckoutEvent):
    event_type = "checkout_created"


class CheckoutUpdated(CheckoutEvent):
    event_type = "checkout_updated"


class CheckoutFullyPaid(CheckoutEvent):
    event_type = "checkout_fully_paid"


class CheckoutMetadataUpdated(CheckoutEvent):
    event_type = "checkout_metadata_updated"


class OrderCreated(OrderEvent):
    event_type = "order_created"


class OrderConfirmed(OrderEvent):
    event_type = "order_confirmed"


class OrderPaid(OrderEvent):
    event_type = "order_paid"


class OrderFullyPaid(OrderEvent):
    event_type = "order_fully_paid"


class OrderUpdated(OrderEvent):
    event_type = "order_updated"


class OrderFulfilled(OrderEvent):
    event_type = "order_fulfilled"


class OrderCancelled(OrderEvent):
    event_type = "order_cancelled"


class OrderExpired(OrderEvent):
    event_type = "order_expired"


class OrderRefunded(OrderEvent):
    event_type = "order_refunded"


class OrderFullyRefunded(OrderEvent):
    event_type = "order_fully_refunded"


class CustomerCreated(CustomerEvent):
    event_type = "customer_created"


class CustomerUpdated(CustomerEvent):
    event_type = "customer_updated"


class CustomerMetadataUpdated(CustomerEvent):
    event_type = "customer_metadata_updated"


class CustomerDeleted(Event):
    event_type = "customer_deleted"
    # CUSTOMER_DELETED selects only { id email }.
    user: UserRef | None = None


class AccountConfirmed(AccountEvent):
    event_type = "account_confirmed"
    user: Customer | None = None


class AccountEmailChanged(AccountEvent):
    event_type = "account_email_changed"
    user: UserRef | None = None
    new_email: str | None = None


class AccountDeleted(AccountEvent):
    event_type = "account_deleted"
    user: UserRef | None = None


class AppDeleted(AppEvent):
    event_type = "app_deleted"


class AppStatusChanged(AppEvent):
    event_type = "app_status_changed"


EVENT_CLASSES: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        CheckoutCreated,
        CheckoutUpdated,
        CheckoutFullyPaid,
        CheckoutMetadataUpdated,
        OrderCreated,
        OrderConfirmed,
        OrderPaid,
        OrderFullyPaid,
        OrderUpdated,
        OrderFulfilled,
        OrderCancelled,
        OrderExpired,
        OrderRefunded,
        OrderFullyRefunded,
        CustomerCreated,
        CustomerUpdated,
        CustomerDeleted,
        CustomerMetadataUpdated,
        AccountConfirmed,
        AccountEmailChanged,
        AccountDeleted,
        AppDeleted,
        AppStatusChanged,
    )
}


def describe_validation_error(exc: ValidationError) -> str:
    """Locations and kinds of the problems, without the offending values."""
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['type']}"
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
    return "; ".join(parts[:10]) + (f" (+{len(parts) - 10} more)" if len(parts) > 10 else "")


def load_json(body: bytes | str) -> Any:
    """JSON with exact decimals: Saleor serialises money as floats (`json.dumps`)."""
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        # json's messages carry positions only, never the text around them.
        raise PayloadError(f"body is not JSON ({type(exc).__name__}: {exc})") from None


def parse_event(event_type: str, body: bytes | str) -> Event:
    """Parse a webhook body (the content of the document's `event`) for its event type.

    `event_type` is the lower-case `Saleor-Event` header value. The returned instance is the
    subclass named after the body's __typename, e.g. `OrderCreated`.
    """
    cls = EVENT_CLASSES.get(event_type)
    if cls is None:
        raise PayloadError(f"unsupported event type {event_type[:64]!r}")
    data = load_json(body)
    if not isinstance(data, dict):
        raise PayloadError(f"{event_type}: body is not a JSON object")
    typename = data.get("__typename")
    if typename != cls.__name__:
        shown = typename[:64] if isinstance(typename, str) else type(typename).__name__
        raise PayloadError(f"{event_type}: __typename is {shown!r}, expected {cls.__name__!r}")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise PayloadError(f"{event_type}: {describe_validation_error(exc)}") from None
