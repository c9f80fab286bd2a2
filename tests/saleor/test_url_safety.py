import pytest
from django.test import override_settings

from saleor_automation.saleor.exceptions import UnsafeSaleorUrl
from saleor_automation.saleor.url_safety import check_saleor_api_url, saleor_origin


def test_origin_is_the_site_root():
    assert saleor_origin("https://shop.example.com/graphql/") == "https://shop.example.com"
    assert saleor_origin("http://127.0.0.1:8000/graphql/") == "http://127.0.0.1:8000"


@override_settings(ALLOW_PRIVATE_SALEOR_URLS=False, ALLOWED_SALEOR_URLS=r".*")
@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example.com/graphql/",  # plain http
        "https://127.0.0.1/graphql/",  # loopback
        "https://10.1.2.3/graphql/",  # private
        "https://169.254.169.254/graphql/",  # cloud metadata
        "https://[::1]/graphql/",
        "ftp://shop.example.com/graphql/",
        "not a url",
    ],
)
def test_production_refuses_private_and_plain_http_urls(url):
    with pytest.raises(UnsafeSaleorUrl):
        check_saleor_api_url(url)


@override_settings(
    ALLOW_PRIVATE_SALEOR_URLS=True, ALLOWED_SALEOR_URLS=r"https?://127\.0\.0\.1:\d+/graphql/"
)
def test_allowlist_is_matched_against_the_whole_url():
    check_saleor_api_url("http://127.0.0.1:8000/graphql/")
    with pytest.raises(UnsafeSaleorUrl):
        check_saleor_api_url("http://127.0.0.1:8000/graphql/extra")
    with pytest.raises(UnsafeSaleorUrl):
        check_saleor_api_url("http://evil.example/?http://127.0.0.1:8000/graphql/")
