"""The Celery application. Tasks move ids and batches; the database keeps every due time."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_automation.settings")

app = Celery("saleor_automation")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.on_after_configure.connect
def _configure(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        folder = settings.CELERY_BROKER_FOLDER
        (folder / "out").mkdir(parents=True, exist_ok=True)
        (folder / "processed").mkdir(parents=True, exist_ok=True)
        sender.conf.broker_transport_options = {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        }
    sender.conf.task_acks_late = True
    sender.conf.task_reject_on_worker_lost = True
    sender.conf.worker_prefetch_multiplier = 1
    sender.conf.task_ignore_result = True
    sender.conf.beat_schedule = {
        "inbox-sweep": {
            "task": "saleor_automation.inbox.sweep",
            "schedule": settings.INBOX_SWEEP_INTERVAL,
        },
        "inbox-purge": {
            "task": "saleor_automation.inbox.purge",
            "schedule": 3600.0,
        },
        "flows-tick": {
            "task": "saleor_automation.flows.tick",
            "schedule": settings.FLOW_TICK_INTERVAL,
            # A tick that waited this long in the queue is useless: a newer one follows.
            "options": {"expires": max(settings.FLOW_TICK_INTERVAL * 10, 10.0)},
        },
        "flows-trigger-pending": {
            "task": "saleor_automation.flows.triggers.pending",
            "schedule": settings.TRIGGER_PENDING_INTERVAL,
            "options": {"expires": max(settings.TRIGGER_PENDING_INTERVAL * 10, 10.0)},
        },
        "flows-trigger-scheduled": {
            "task": "saleor_automation.flows.triggers.scheduled",
            "schedule": settings.SCHEDULED_TRIGGERS_INTERVAL,
            "options": {"expires": settings.SCHEDULED_TRIGGERS_INTERVAL},
        },
        "flows-sweep": {
            "task": "saleor_automation.flows.sweep",
            "schedule": 30.0,
        },
        "messaging-sweep": {
            "task": "saleor_automation.messaging.sweep",
            "schedule": 30.0,
        },
        "stats-rollup": {
            "task": "saleor_automation.stats.rollup",
            "schedule": settings.STATS_ROLLUP_INTERVAL,
            "options": {"expires": settings.STATS_ROLLUP_INTERVAL},
        },
    }


app.autodiscover_tasks(
    [
        "saleor_automation.saleor",
        "saleor_automation.contacts",
        "saleor_automation.flows",
        "saleor_automation.messaging",
    ],
    related_name="tasks",
)
app.autodiscover_tasks(["saleor_automation.flows"], related_name="trigger_tasks")
