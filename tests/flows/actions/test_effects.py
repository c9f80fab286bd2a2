"""flows/effects.py for external actions: the outbox states, the lease, retries and backoff.
The action itself is replaced, so these need neither Saleor nor a receiver."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from saleor_automation.flows import effects
from saleor_automation.flows.actions.base import ActionFailed, ActionRetry
from saleor_automation.flows.actions.models import EffectRetry
from saleor_automation.flows.effects import (
    INTERRUPTED,
    MAX_ATTEMPTS,
    RUNNING_LEASE,
    effect_run,
    effects_sweep,
    retry_delay,
)
from saleor_automation.flows.models import Effect, EffectStatus
from saleor_automation.flows.nodes.action import ActionKind
from tests.flows.db_fixtures import make_installation

from .conftest import action_flow, enroll, make_contact

WEBHOOK = ActionKind.CALL_WEBHOOK


@pytest.fixture
def effect(db, now):
    installation = make_installation()
    contact = make_contact(installation, "ana@example.com")
    flow = action_flow(installation, WEBHOOK, url="https://hooks.example.com/a")
    return enroll(flow, contact, now)[1]


@dataclass
class Script:
    """The replaced action: what it saw on each run, and what the next runs end with."""

    seen: list[tuple[str, datetime]] = field(default_factory=list)
    outcomes: list[BaseException] = field(default_factory=list)

    def __call__(self, effect: Effect, now: datetime) -> None:
        self.seen.append((Effect.objects.get(pk=effect.pk).status, now))
        if self.outcomes:
            raise self.outcomes.pop(0)


@pytest.fixture
def action(monkeypatch) -> Script:
    script = Script()
    monkeypatch.setitem(effects.EXTERNAL, WEBHOOK, script)
    return script


def test_the_effect_is_running_and_committed_while_the_action_calls_out(effect, action, now):
    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    assert action.seen == [(EffectStatus.RUNNING, now)]
    effect.refresh_from_db()
    assert (effect.status, effect.started_at, effect.done_at, effect.error) == (
        EffectStatus.DONE,
        now,
        now,
        "",
    )
    assert effect_run(effect.pk, now=now) == EffectStatus.DONE  # a second task: nothing
    assert len(action.seen) == 1


def test_a_running_effect_is_left_to_its_worker(effect, action, now):
    Effect.objects.filter(pk=effect.pk).update(status=EffectStatus.RUNNING, started_at=now)

    assert effect_run(effect.pk, now=now) == EffectStatus.RUNNING
    assert effects_sweep(now=now + RUNNING_LEASE) == []  # within the lease
    assert action.seen == []


def test_a_failure_is_final_and_a_retry_waits_for_its_backoff(effect, action, now):
    action.outcomes.extend([ActionRetry("busy"), ActionFailed("refused")])

    assert effect_run(effect.pk, now=now) == EffectStatus.PENDING
    retry = EffectRetry.objects.get()
    assert (retry.attempts, retry.next_attempt_at, retry.last_error) == (
        1,
        now + retry_delay(1),
        "busy",
    )
    # Its countdown task runs it when due: the sweep steps in only once that is late.
    assert effects_sweep(now=now + retry_delay(1) + effects.GRACE - timedelta(seconds=1)) == []
    assert effects_sweep(now=now + retry_delay(1) + effects.GRACE) == [effect.pk]
    assert effect_run(effect.pk, now=now + timedelta(seconds=5)) == EffectStatus.PENDING
    assert len(action.seen) == 1

    assert effect_run(effect.pk, now=now + retry_delay(1)) == EffectStatus.FAILED
    assert Effect.objects.get().error == "refused"


def test_backoff_grows_fourfold():
    assert [retry_delay(n) for n in range(1, MAX_ATTEMPTS)] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
        timedelta(minutes=32),
    ]


def test_an_unexpected_error_counts_as_a_failed_attempt(effect, action, now):
    action.outcomes.append(ZeroDivisionError("bug"))

    assert effect_run(effect.pk, now=now) == EffectStatus.PENDING

    assert Effect.objects.get().error == "internal error: ZeroDivisionError"


def test_an_interrupted_idempotent_effect_is_retried(effect, action, now):
    Effect.objects.filter(pk=effect.pk).update(status=EffectStatus.RUNNING, started_at=now)
    later = now + RUNNING_LEASE + timedelta(seconds=1)

    assert effects_sweep(now=later) == []

    effect.refresh_from_db()
    assert (effect.status, effect.error) == (EffectStatus.PENDING, INTERRUPTED)
    assert effects_sweep(now=later + retry_delay(1) + effects.GRACE) == [effect.pk]
    assert effect_run(effect.pk, now=later + retry_delay(1)) == EffectStatus.DONE


def test_an_interrupted_effect_that_is_not_idempotent_is_left_for_a_human(
    effect, action, now, monkeypatch
):
    monkeypatch.setattr(effects, "RETRY_ON_INTERRUPT", frozenset())
    Effect.objects.filter(pk=effect.pk).update(status=EffectStatus.RUNNING, started_at=now)

    assert effects_sweep(now=now + RUNNING_LEASE + timedelta(seconds=1)) == []

    effect.refresh_from_db()
    assert (effect.status, effect.error) == (EffectStatus.FAILED_UNKNOWN, INTERRUPTED)
    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED_UNKNOWN
    assert action.seen == []


def test_a_late_success_wins_over_the_sweeps_take_back(effect, now, monkeypatch):
    """A call that outlived the lease still finishes: the effect is done, not retried."""

    def slow(effect: Effect, moment) -> None:
        effects_sweep(now=moment + RUNNING_LEASE + timedelta(seconds=1))
        assert Effect.objects.get(pk=effect.pk).status == EffectStatus.PENDING

    monkeypatch.setitem(effects.EXTERNAL, WEBHOOK, slow)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE
    assert Effect.objects.get().status == EffectStatus.DONE
