"""CACHE_URL: which Django cache backend settings.py configures."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from saleor_automation.settings import cache_backend


def test_local_memory_by_default():
    expected = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert cache_backend("") == cache_backend("locmem://") == expected


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/1", "rediss://cache.internal:6380/0"])
def test_a_redis_url_shares_the_cache(url):
    assert cache_backend(url) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
    }


def test_an_unknown_cache_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_backend("memcached://127.0.0.1:11211")
