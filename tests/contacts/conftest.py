"""Fixtures for contacts: installations, sample Saleor bodies and an inbox to deliver into."""

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.saleor.models import InboxEvent, Installation

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "saleor"
EVENT_TYPES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def gid(kind: str, pk: object) -> str:
    """A Saleor global id, as Saleor builds it."""
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


APP_ID = gid("App", 12)  # the app id the sample app_* bodies carry
USER_ID = gid("User", 42)  # the customer of the sample customer_*/account_* bodies
EMAIL = "jane.doe@example.com"


def body(event_type: str) -> dict[str, Any]:
    """A fresh copy of tests/fixtures/saleor/<event_type>.json."""
    return copy.deepcopy(_load(event_type))


_cache: dict[str, dict[str, Any]] = {}


def _load(event_type: str) -> dict[str, Any]:
    if event_type not in _cache:
        _cache[event_type] = json.loads((FIXTURES / f"{event_type}.json").read_text())
    return _cache[event_type]


def make_installation(url: str = "https://shop.example.com/graphql/") -> Installation:
    return Installation.objects.create(saleor_api_url=url, app_id=APP_ID, token="t" * 30)


@pytest.fixture
def installation(db) -> Installation:
    return make_installation()


@pytest.fixture
def other_installation(db) -> Installation:
    return make_installation("https://other-shop.example.net/graphql/")


def store(installation: Installation, event_type: str, payload: dict | str) -> InboxEvent:
    """What the receiver does: keep the raw body as a pending inbox row."""
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    key = hashlib.sha256(f"{installation.saleor_api_url}\n{event_type}\n{raw}".encode())
    return InboxEvent.objects.create(
        installation=installation, event_type=event_type, dedupe_key=key.hexdigest(), body=raw
    )


Deliver = Callable[..., InboxEvent]


@pytest.fixture
def deliver(installation: Installation) -> Deliver:
    """Store a body and run the processor; returns the row as processed."""

    def _deliver(
        event_type: str,
        payload: dict | str | None = None,
        *,
        to: Installation | None = None,
    ) -> InboxEvent:
        row = store(
            to or installation, event_type, body(event_type) if payload is None else payload
        )
        inbox_process_due()
        row.refresh_from_db()
        return row

    return _deliver


@pytest.fixture
def applied():
    """Every `event_applied` signal sent during the test, as dicts of its kwargs."""
    from saleor_automation.contacts.signals import event_applied

    calls: list[dict[str, Any]] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    event_applied.connect(receiver, weak=False)
    yield calls
    event_applied.disconnect(receiver)
