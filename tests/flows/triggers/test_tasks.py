"""The trigger tasks call their services with the current time and report counts."""

from datetime import UTC, datetime, timedelta

import time_machine

from saleor_automation.celery import app
from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.trigger_tasks import pending_entries_task, scheduled_triggers_task

from ..db_fixtures import installation, make_contact
from .factories import checkout, send, trigger_flow

__all__ = ["installation"]

T0 = datetime(2026, 6, 16, 10, 0, tzinfo=UTC)


def test_both_tasks_are_registered_and_scheduled():
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    for kind in ("pending", "scheduled"):
        name = f"saleor_automation.flows.triggers.{kind}"
        assert name in app.tasks
        assert name in schedule


def test_the_pending_task_starts_idle_checkouts(installation):
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    with time_machine.travel(T0, tick=False):
        send(installation, "checkout_updated", checkout(updated=T0))
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        assert pending_entries_task() == {"claimed": 1, "entered": 1}
    assert Enrollment.objects.count() == 1


def test_the_scheduled_task_runs_dates_and_segments(installation):
    make_contact(installation, 1, birthday_month=6, birthday_day=16)
    trigger_flow(installation, "date_field", field="birthday")
    segment = {"field": "contact.order_count", "op": "gte", "value": 1}
    trigger_flow(installation, "segment_entered", segment=segment)
    with time_machine.travel(T0, tick=False):
        assert scheduled_triggers_task() == {"entered": 1}
    assert Enrollment.objects.count() == 1
