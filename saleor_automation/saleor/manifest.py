"""The app manifest Saleor fetches at install time (PROTOCOL.md §1).

Every URL is absolute, built from APP_BASE_URL, and exact: Saleor follows no redirects.
The one exception is the app page's extension URL, which the dashboard requires to be
relative to appUrl (PROTOCOL.md §5.1).
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from .. import __version__
from .documents import document
from .event_types import PERMISSIONS, WEBHOOKS

REQUIRED_SALEOR_VERSION = ">=3.22 <4"


def absolute(path: str) -> str:
    return f"{settings.APP_BASE_URL}{path}"


def webhook_target_url(identifier: str) -> str:
    return absolute(reverse("webhook", kwargs={"identifier": identifier}))


def webhook_definitions() -> list[dict[str, Any]]:
    """The webhooks as the manifest declares them (also what sync-webhooks converges to)."""
    return [
        {
            "identifier": webhook.identifier,
            "name": webhook.name,
            "targetUrl": webhook_target_url(webhook.identifier),
            "asyncEvents": webhook.async_events,
            "isActive": True,
            "query": document(webhook.document),
        }
        for webhook in WEBHOOKS
    ]


def build_manifest() -> dict[str, Any]:
    base = settings.APP_BASE_URL
    return {
        "id": settings.APP_MANIFEST_ID,
        "version": __version__,
        "name": settings.APP_NAME,
        "about": (
            "Marketing automation for Saleor: cart abandonment, welcome series, feedback, "
            "cross-sell, win-back, birthday and best-customer flows over email and SMS."
        ),
        "author": "saleor-automation",
        "permissions": list(PERMISSIONS),
        "appUrl": absolute("/dashboard/"),
        "tokenTargetUrl": absolute(reverse("register")),
        "audience": base,
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "homepageUrl": absolute("/dashboard/"),
        "supportUrl": absolute("/dashboard/"),
        "dataPrivacyUrl": absolute("/dashboard/"),
        "brand": {"logo": {"default": absolute(reverse("logo"))}},
        "extensions": [
            {
                "identifier": "flows",
                "label": "Marketing flows",
                "mount": "NAVIGATION_CUSTOMERS",
                "target": "APP_PAGE",
                "url": "/flows",
                "permissions": ["MANAGE_USERS"],
            },
            {
                # The customer's journey on the customer page; the dashboard adds
                # ?customerId=<User ID> to the URL (GET, so no form post to handle).
                "identifier": "customer-journey",
                "label": "Marketing journey",
                "mount": "CUSTOMER_DETAILS_WIDGETS",
                "target": "WIDGET",
                "url": absolute("/dashboard/widgets/customer"),
                "permissions": ["MANAGE_USERS"],
                "options": {"widgetTarget": {"method": "GET"}},
            },
            {
                # Start a flow (a feedback request, say) for the order's customer now,
                # with the order as the flow's context; ?orderId=<Order ID>.
                "identifier": "order-start-flow",
                "label": "Send a marketing flow now",
                "mount": "ORDER_DETAILS_MORE_ACTIONS",
                "target": "POPUP",
                "url": absolute("/dashboard/actions/order"),
                "permissions": ["MANAGE_ORDERS", "MANAGE_USERS"],
            },
        ],
        "webhooks": webhook_definitions(),
    }
