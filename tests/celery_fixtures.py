"""A real Celery worker on the real broker (CELERY_BROKER_URL, Redis under `make test`)."""

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from saleor_automation.celery import app as celery_app


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A worker thread consuming from the broker, sharing the test database."""
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        pytest.fail("tests need a real broker: set CELERY_BROKER_URL (make test does)")
    import saleor_automation.contacts.tasks  # noqa: F401  (registers the tasks)

    celery_app.control.purge()
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
    ) as worker:
        yield worker


def wait_for(condition: Callable[[], object], timeout: float = 15.0, what: str = "") -> object:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(0.05)
