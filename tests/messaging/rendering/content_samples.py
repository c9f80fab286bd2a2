"""Message content and render contexts shared by the rendering and email tests."""

from typing import Any

from saleor_automation.messaging.rendering import render_context_make

CART_MJML_EN = """<mj-section><mj-column>
  <mj-text>Hi {{ first_name|default:"there" }},</mj-text>
</mj-column></mj-section>
{% checkout_lines title="Your cart" %}
{% voucher_code label="Your code" until="Valid until" %}
{% recovery_button label="Complete your order" %}
{% recommendations title="You may also like" %}
"""
CART_MJML_DE = """<mj-section><mj-column>
  <mj-text>Hallo {{ first_name|default:"du" }},</mj-text>
</mj-column></mj-section>
{% checkout_lines title="Dein Warenkorb" %}
{% voucher_code label="Dein Code" until="Gültig bis" %}
{% recovery_button label="Bestellung abschließen" %}
"""
CART = {
    "default_language": "en",
    "variants": {
        "en": {
            "subject": "{{ first_name|default:'Hey' }}, you left something behind",
            "preheader": "Your cart is waiting for you",
            "mjml": CART_MJML_EN,
        },
        "de": {
            "subject": "{{ first_name|default:'Hallo' }}, du hast etwas vergessen",
            "preheader": "Dein Warenkorb wartet",
            "mjml": CART_MJML_DE,
        },
    },
}


def checkout(currency: str = "EUR", **fields: Any) -> dict[str, Any]:
    """{"checkout": ...} shaped as flows.triggers.common.checkout_context writes it."""
    data = {
        "id": "Q2hlY2tvdXQ6MQ==",
        "token": "4b2c-token",
        "channel": "default-channel",
        "currency": currency,
        "total": "2469.00",
        "subtotal": "2469.00",
        "quantity": 2,
        "voucher_code": "",
        "updated_at": "2026-06-15T10:00:00+00:00",
        "lines_count": 1,
        "lines": [
            {
                "product_id": "UHJvZHVjdDox",
                "product_name": "Trail Runner",
                "product_slug": "trail-runner",
                "variant_id": "UHJvZHVjdFZhcmlhbnQ6MQ==",
                "variant_name": "EU 42",
                "sku": "TR-42",
                "category_slug": "shoes",
                "thumbnail_url": "https://cdn.example.com/trail-runner.png",
                "quantity": 2,
                "unit_price": "1234.50",
                "total_price": "2469.00",
            }
        ],
    }
    data.update(fields)
    return {"checkout": data}


VOUCHER = {
    "voucher": {
        "code": "SA-ABCD2345EFGH",
        "valid_until": "2026-06-22T21:59:59+00:00",
        "discount": "10%",
    }
}
RECOMMENDATIONS = {
    "recommendations": [
        {
            "name": "Trail Socks",
            "url": "https://shop.example.com/products/trail-socks",
            "image": "https://cdn.example.com/socks.png",
            "price": "12.90",
        }
    ]
}


def render_context(
    *,
    first_name: str = "Ana",
    language: str = "en-US",
    country: str = "US",
    currency: str = "USD",
    timezone: str = "America/New_York",
    **context: Any,
) -> dict[str, Any]:
    data = {**checkout(currency), **VOUCHER, **RECOMMENDATIONS, **context}
    return render_context_make(
        contact={
            "first_name": first_name,
            "last_name": "Lopez",
            "email": "ana@example.com",
            "language": language,
            "country": country,
        },
        timezone=timezone,
        context=data,
    )
