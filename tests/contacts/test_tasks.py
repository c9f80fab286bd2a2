"""contacts/tasks.py: the inbox tasks are registered under the names others send."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from saleor_automation.celery import app as celery_app
from saleor_automation.contacts import tasks
from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Contact
from saleor_automation.saleor.inbox import PROCESS_TASK
from saleor_automation.saleor.models import InboxEvent, InboxStatus

from .conftest import body, store


def test_tasks_are_registered_by_the_names_the_receiver_and_beat_use():
    celery_app.loader.import_default_modules()
    beat = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {PROCESS_TASK, *beat} <= set(celery_app.tasks)
    assert celery_app.tasks[PROCESS_TASK].run.__module__ == tasks.__name__


def test_process_and_sweep_drain_the_inbox(installation):
    store(installation, "customer_created", body("customer_created"))
    result = tasks.inbox_process_task.apply().get()
    assert result["processed"] == 1 and not result["more"]
    assert Contact.objects.count() == 1

    store(installation, "checkout_created", body("checkout_created"))
    assert tasks.inbox_sweep_task.apply().get()["processed"] == 1


def test_process_hands_over_when_its_bound_is_hit(installation, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    store(installation, "customer_created", body("customer_created"))
    store(installation, "checkout_created", body("checkout_created"))

    def one_batch(**bounds):
        return inbox_process_due(**{**bounds, "batch_size": 1, "max_batches": 1})

    with (
        mock.patch.object(tasks, "inbox_process_due", one_batch),
        mock.patch.object(tasks.inbox_process_task, "delay") as delay,
    ):
        assert tasks.inbox_process_task.apply().get()["more"]
    delay.assert_called_once_with()


def test_purge_task(installation):
    row = store(installation, "customer_created", body("customer_created"))
    InboxEvent.objects.filter(pk=row.pk).update(
        status=InboxStatus.PROCESSED, processed_at=timezone.now() - timedelta(days=365)
    )
    assert tasks.inbox_purge_task.apply().get() == 1


def test_a_time_bound_stops_after_a_batch_and_says_rows_remain(installation):
    # A backlog of webhooks must not hold a worker while beat's ticks wait behind it.
    store(installation, "customer_created", body("customer_created"))
    store(installation, "checkout_created", body("checkout_created"))
    stats = inbox_process_due(batch_size=1, seconds=0)
    assert (stats.processed, stats.batches, stats.more) == (1, 1, True)
    assert inbox_process_due(batch_size=1).processed == 1
