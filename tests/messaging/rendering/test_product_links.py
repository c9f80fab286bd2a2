"""Storefront product links of recommendations (rendering/context.py product_url_make) and
how a recommendation's link is tracked."""

import pytest

from saleor_automation.messaging.rendering.context import (
    Links,
    Store,
    product_url_make,
    template_context,
)

TEMPLATE = "https://shop.example.com/{channel}/products/{slug}"


@pytest.mark.parametrize(
    ("template", "slug", "channel", "url"),
    [
        (TEMPLATE, "camping-stove", "eu", "https://shop.example.com/eu/products/camping-stove"),
        ("https://shop.example.com/p/{slug}", "a b/c", "eu", "https://shop.example.com/p/a%20b/c"),
        (
            "https://shop.example.com/p/{slug}?c={channel}",
            "x",
            "d e",
            "https://shop.example.com/p/x?c=d%20e",
        ),
        ("", "camping-stove", "eu", ""),  # the store has no product page
        ("https://shop.example.com/products", "camping-stove", "eu", ""),  # no {slug}
        ("javascript:alert(1)//{slug}", "x", "eu", ""),
        (TEMPLATE, "", "eu", ""),
    ],
)
def test_product_url_from_the_store_template(template, slug, channel, url):
    assert product_url_make(template, slug=slug, channel=channel) == url


def test_a_recommendation_link_is_tracked_with_its_product():
    tracked = []
    links = Links(
        track=lambda url: f"T({url})",
        track_product=lambda url, product: tracked.append(product) or f"P({url},{product})",
    )
    items = [
        {"product_id": "P1", "name": "Stove", "url": "https://shop.example.com/p/stove"},
        {"name": "Kettle", "url": "https://shop.example.com/p/kettle"},  # no product id
        {"product_id": "P3", "name": "Lamp", "url": ""},  # no product page
    ]
    render_context = {"context": {"recommendations": items}}

    context = template_context(render_context, language="en", store=Store(), links=links)

    assert [(r["name"], r["url"], r["product_id"]) for r in context["recommendations"]] == [
        ("Stove", "P(https://shop.example.com/p/stove,P1)", "P1"),
        ("Kettle", "T(https://shop.example.com/p/kettle)", ""),
        ("Lamp", "", "P3"),
    ]
    assert tracked == ["P1"]
