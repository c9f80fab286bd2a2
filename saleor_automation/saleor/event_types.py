"""One source of truth for the webhooks the app subscribes to.

The manifest, the receiver's URL routing and sync-webhooks all derive from WEBHOOKS.
"""

from dataclasses import dataclass


class EventType:
    """Saleor's async event names as the `Saleor-Event` header carries them (lower case)."""

    CHECKOUT_CREATED = "checkout_created"
    CHECKOUT_UPDATED = "checkout_updated"
    CHECKOUT_FULLY_PAID = "checkout_fully_paid"
    CHECKOUT_METADATA_UPDATED = "checkout_metadata_updated"
    ORDER_CREATED = "order_created"
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_PAID = "order_paid"
    ORDER_FULLY_PAID = "order_fully_paid"
    ORDER_UPDATED = "order_updated"
    ORDER_FULFILLED = "order_fulfilled"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_EXPIRED = "order_expired"
    ORDER_REFUNDED = "order_refunded"
    ORDER_FULLY_REFUNDED = "order_fully_refunded"
    CUSTOMER_CREATED = "customer_created"
    CUSTOMER_UPDATED = "customer_updated"
    CUSTOMER_DELETED = "customer_deleted"
    CUSTOMER_METADATA_UPDATED = "customer_metadata_updated"
    ACCOUNT_CONFIRMED = "account_confirmed"
    ACCOUNT_EMAIL_CHANGED = "account_email_changed"
    ACCOUNT_DELETED = "account_deleted"
    APP_DELETED = "app_deleted"
    APP_STATUS_CHANGED = "app_status_changed"


@dataclass(frozen=True)
class Webhook:
    """One manifest webhook: a subscription document and the events it carries."""

    identifier: str  # also the URL segment: /api/webhooks/<identifier>
    document: str  # under graphql/saleor/
    events: tuple[str, ...]
    permission: str | None

    @property
    def name(self) -> str:
        return f"automation: {self.identifier}"

    @property
    def async_events(self) -> list[str]:
        return [event.upper() for event in self.events]


E = EventType
WEBHOOKS: tuple[Webhook, ...] = (
    Webhook(
        "checkout-events",
        "subscriptions/checkout-events",
        (
            E.CHECKOUT_CREATED,
            E.CHECKOUT_UPDATED,
            E.CHECKOUT_FULLY_PAID,
            E.CHECKOUT_METADATA_UPDATED,
        ),
        "MANAGE_CHECKOUTS",
    ),
    Webhook(
        "order-events",
        "subscriptions/order-events",
        (
            E.ORDER_CREATED,
            E.ORDER_CONFIRMED,
            E.ORDER_PAID,
            E.ORDER_FULLY_PAID,
            E.ORDER_UPDATED,
            E.ORDER_FULFILLED,
            E.ORDER_CANCELLED,
            E.ORDER_EXPIRED,
            E.ORDER_REFUNDED,
            E.ORDER_FULLY_REFUNDED,
        ),
        "MANAGE_ORDERS",
    ),
    Webhook(
        "customer-events",
        "subscriptions/customer-events",
        (
            E.CUSTOMER_CREATED,
            E.CUSTOMER_UPDATED,
            E.CUSTOMER_DELETED,
            E.CUSTOMER_METADATA_UPDATED,
        ),
        "MANAGE_USERS",
    ),
    Webhook(
        "account-events",
        "subscriptions/account-events",
        (E.ACCOUNT_CONFIRMED, E.ACCOUNT_EMAIL_CHANGED, E.ACCOUNT_DELETED),
        "MANAGE_USERS",
    ),
    Webhook(
        "app-lifecycle",
        "subscriptions/app-lifecycle",
        (E.APP_DELETED, E.APP_STATUS_CHANGED),
        None,
    ),
)
WEBHOOKS_BY_IDENTIFIER = {webhook.identifier: webhook for webhook in WEBHOOKS}
WEBHOOK_FOR_EVENT = {event: webhook for webhook in WEBHOOKS for event in webhook.events}
PERMISSIONS = ("MANAGE_CHECKOUTS", "MANAGE_ORDERS", "MANAGE_USERS", "MANAGE_DISCOUNTS")
