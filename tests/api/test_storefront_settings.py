"""The storefront URLs (checkout and product pages) through installationSettings."""

import pytest

from saleor_automation.messaging.sender import email_profile
from saleor_automation.saleor.models import Installation

pytestmark = pytest.mark.django_db

SETTINGS = """{ installationSettings { checkoutUrl productUrl
  effective { checkoutUrl productUrl } } }"""
UPDATE = """mutation($input: InstallationSettingsInput!) {
  installationSettingsUpdate(input: $input) {
    __typename
    ... on InstallationSettings { timezone checkoutUrl productUrl effective { productUrl } }
    ... on OperationInfo { messages { field message } } } }"""
PRODUCT_URL = "https://shop.example.com/{channel}/products/{slug}"


def test_storefront_urls_default_to_the_deployment(as_staff, settings):
    settings.EMAIL_CHECKOUT_URL = "https://default.example.com/cart?token={token}"
    settings.EMAIL_PRODUCT_URL = "https://default.example.com/p/{slug}"

    data = as_staff(SETTINGS).data["installationSettings"]

    assert data == {
        "checkoutUrl": None,
        "productUrl": None,
        "effective": {
            "checkoutUrl": "https://default.example.com/cart?token={token}",
            "productUrl": "https://default.example.com/p/{slug}",
        },
    }


def test_the_product_url_is_set_with_other_settings_and_reset(as_staff, installation):
    answer = as_staff(UPDATE, {"input": {"productUrl": PRODUCT_URL, "timezone": "Europe/Rome"}})

    data = answer.data["installationSettingsUpdate"]
    assert data["productUrl"] == data["effective"]["productUrl"] == PRODUCT_URL
    assert data["timezone"] == "Europe/Rome" and data["checkoutUrl"] is None
    assert email_profile(installation.pk).product_url == PRODUCT_URL

    as_staff(UPDATE, {"input": {"productUrl": None}})
    assert email_profile(installation.pk).product_url == ""


@pytest.mark.parametrize(
    "url", ["https://shop.example.com/products", "javascript:alert(1)//{slug}", "{slug}"]
)
def test_a_bad_product_url_changes_nothing(as_staff, installation, url):
    answer = as_staff(UPDATE, {"input": {"productUrl": url, "timezone": "Europe/Rome"}})

    messages = answer.data["installationSettingsUpdate"]["messages"]
    assert [m["field"] for m in messages] == ["productUrl"]
    assert "{slug}" in messages[0]["message"]
    # The valid time zone in the same request was not kept either.
    assert Installation.objects.get(pk=installation.pk).timezone == ""
    assert email_profile(installation.pk).product_url == ""
