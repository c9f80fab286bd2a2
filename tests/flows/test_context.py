from dataclasses import FrozenInstanceError

import pytest

from saleor_automation.flows.context import MessageEvent

from .builders import NOW, contact, context


def test_views_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        contact().email = "other@example.com"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        context().step_seq = 9  # type: ignore[misc]


def test_message_event() -> None:
    ctx = context(messages={"e1": {MessageEvent.OPENED: NOW}})
    assert ctx.message_event("e1", "opened") == NOW
    assert ctx.message_event("e1", "clicked") is None
    assert ctx.message_event("e2", "opened") is None


def test_defaults() -> None:
    person = contact()
    assert person.groups == frozenset()
    assert person.spend == {}
    ctx = context()
    assert ctx.recent_marketing_sends == ()
    assert ctx.cap is None
    assert MessageEvent.EMAIL_ONLY <= MessageEvent.ALL
