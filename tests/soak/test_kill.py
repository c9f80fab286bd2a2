"""Kill test (issue 8, reliability): SIGKILL the web process, a Celery worker, the beat and
the broker at random moments while a synthetic store sends events and a flow sends emails.

The app runs as in production (tests/soak/stack.py): gunicorn with 2 sync workers, 2 Celery
workers and beat on a dedicated redis-server, the test's PostgreSQL database, and an email
backend writing one file per send. A seeded chaos thread kills one process at a time and
restarts it after a short pause, as a supervisor would (a gunicorn worker or a Celery pool
process is replaced by its own parent). The sender retries like Saleor until it gets a 2xx.

After recovery: every accepted event has its inbox row, processed; every customer entered
the welcome flow once and got its first and second email exactly once (counted from the
files, not only the rows); no (enrollment, node) has two messages; every timer fired.
Messages interrupted between the provider call and the commit (sending / failed_unknown)
are reported and never resent.

    SOAK_SEED=<n> pytest -m soak -s tests/soak/test_kill.py
"""

import json
import os
import random
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench.end_to_end import _bodies
from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import OPEN_STATUSES, Enrollment, EnrollmentStatus
from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.saleor.inbox import dedupe_key
from saleor_automation.saleor.models import InboxEvent, InboxStatus, Installation
from tests.flows.db_fixtures import chain, email, exit_, wait

from .mail_backend import sent_keys
from .stack import Sender, Stack, until

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]

CUSTOMERS = 300
EVENTS = 1200  # the customers' CUSTOMER_CREATED, then CHECKOUT_UPDATED of the same customers
SEND_SECONDS = 60.0  # the events are spread over this long
CHAOS_SECONDS = 90.0  # covers the sends, and the 1-minute timers firing after them
# The longest recovery: a worker killed mid-batch leaves inbox rows leased for 5 minutes
# (contacts/inbox.py LEASE) and queued messages wait 60 s for the 30 s outbox sweep.
RECOVERY_TIMEOUT = 480.0
KILLS = ("web", "web worker", "celery worker", "celery pool process", "beat", "redis")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _welcome_flow(installation: Installation) -> None:
    """customer_created -> email at once -> wait 1 minute -> email -> exit."""
    flow = flow_create(installation=installation, name="welcome")
    graph = chain(email("s1"), wait("w1", minutes=1), email("s2"), exit_())
    flow_save_draft(flow=flow, graph=graph, settings={})
    flow_activate(flow=flow, now=timezone.now())


def _interleaved(emulator, rng: random.Random) -> list[tuple[str, bytes]]:
    """Customers created all along the window, each before its own checkout updates."""
    keyed = [
        (n if event == "customer_created" else n + rng.uniform(1, CUSTOMERS / 4), event, body)
        for event, body, n in _bodies(emulator, CUSTOMERS, EVENTS)
    ]
    return [(event, body.encode()) for _, event, body in sorted(keyed, key=lambda k: k[0])]


class Chaos(threading.Thread):
    """Every few seconds, SIGKILL one process picked at random (seeded); restart it after a
    pause unless its parent replaces it."""

    def __init__(self, stack: Stack, seed: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.stack, self.rng, self.seconds = stack, random.Random(seed), seconds
        self.kills: Counter[str] = Counter()
        self.errors: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        end = time.monotonic() + self.seconds
        deck: list[str] = []
        try:
            while not self.stopping.wait(self.rng.uniform(1.0, 4.0)) and time.monotonic() < end:
                # Rounds of every kind in a shuffled order: each kind is struck, at random
                # moments, however the seed falls.
                deck = deck or self.rng.sample(KILLS, len(KILLS))
                self._strike(deck.pop())
        except Exception as exc:  # reported by the test: a restart that failed
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def _strike(self, target: str) -> None:
        stack = self.stack
        if target == "web worker":
            if stack.web.kill_child():
                self.kills[target] += 1
            return
        if target == "celery pool process":
            if self.rng.choice(stack.workers).kill_child():
                self.kills[target] += 1
            return
        service = {
            "web": stack.web,
            "celery worker": self.rng.choice(stack.workers),
            "beat": stack.beat,
            "redis": stack.redis,
        }[target]
        service.kill()
        self.kills[target] += 1
        time.sleep(self.rng.uniform(0.5, 3.0))
        service.start()


def _unsettled(stack: Stack, customers: int) -> dict[str, int]:
    """What is still to happen (empty when the store has settled). Like a supervisor, it
    restarts any process found dead meanwhile."""
    stack.ensure_running()
    left = {
        "inbox pending": InboxEvent.objects.filter(status=InboxStatus.PENDING).count(),
        "customers not enrolled": customers - Enrollment.objects.count(),
        "enrollments open": Enrollment.objects.filter(status__in=OPEN_STATUSES).count(),
        "messages queued": Message.objects.filter(status=MessageStatus.QUEUED).count(),
    }
    return {what: n for what, n in left.items() if n > 0}


def test_kill_everything_at_random(tmp_path: Path) -> None:
    from tests.saleor_emulator import SaleorEmulator
    from tests.saleor_emulator.schema import load_schema

    seed = int(os.environ.get("SOAK_SEED", "8"))
    rng = random.Random(seed)
    stack = Stack(tmp_path, _database_url())
    emulator = SaleorEmulator(load_schema()).start()
    chaos = Chaos(stack, seed, CHAOS_SECONDS)
    sender: Sender | None = None
    try:
        stack.start_web()
        installed = emulator.install(f"{stack.base_url}/api/manifest")
        assert installed.ok, installed.message
        installation = Installation.objects.get()
        Installation.objects.filter(pk=installation.pk).update(assume_marketing_consent=True)
        _welcome_flow(installation)
        urls = {
            event.lower(): next(
                w.target_url for w in emulator.app.webhooks if event in w.async_events
            )
            for event in ("CUSTOMER_CREATED", "CHECKOUT_UPDATED")
        }
        items = _interleaved(emulator, rng)
        stack.start_rest()

        started = time.monotonic()
        sender = Sender(urls, emulator.webhook_headers)
        sender.start(items, SEND_SECONDS)
        chaos.start()
        chaos.join(timeout=CHAOS_SECONDS + 120)
        chaos.stopping.set()
        chaos.join()  # a restart under way finishes (each is bounded by Service.start)
        chaos_ended = time.monotonic()
        stack.ensure_running()
        until(lambda: sender.outstanding == 0, 180, "every event to be accepted")
        sender.stop()
        accepted_all = time.monotonic()
        until(
            lambda: not _unsettled(stack, CUSTOMERS),
            RECOVERY_TIMEOUT,
            "the store to settle",
            lambda: str(_unsettled(stack, CUSTOMERS)),
        )
        settled = time.monotonic()
        # Anything still in flight (a duplicate send task, a late sweep) gets its chance.
        time.sleep(5)
    finally:
        chaos.stopping.set()
        if sender is not None:
            sender.stop()
        stack.stop_all()
        emulator.stop()

    assert not chaos.errors, chaos.errors
    report = _check(stack, sender, emulator.api_url, installation)
    report.update(
        seed=seed,
        kills=dict(chaos.kills),
        restarts={s.name: s.starts - 1 for s in stack.services},
        chaos_seconds=round(chaos_ended - started, 1),
        accepted_after_chaos_s=round(accepted_all - chaos_ended, 1),
        recovered_after_chaos_s=round(settled - chaos_ended, 1),
    )
    print("\nkill test:", json.dumps(report, indent=2))
    assert set(chaos.kills) == set(KILLS), f"some kinds were never killed: {chaos.kills}"


def _check(stack: Stack, sender: Sender, api_url: str, installation: Installation) -> dict:
    # Every event the sender got a 2xx for has its inbox row, processed (none pending or
    # parked), and every event was accepted in the end (Saleor's retries succeed).
    assert all(d.accepted for d in sender.deliveries)
    keys = {dedupe_key(api_url, d.event, d.body) for d in sender.deliveries}
    rows = dict(InboxEvent.objects.values_list("dedupe_key", "status"))
    missing = keys - rows.keys()
    assert not missing, f"{len(missing)} accepted events have no inbox row"
    statuses = Counter(rows[key] for key in keys)
    assert set(statuses) <= {InboxStatus.PROCESSED, InboxStatus.IGNORED}, statuses
    assert statuses[InboxStatus.PROCESSED] >= CUSTOMERS

    # Each customer once: one contact, one enrollment, finished (no timer lost).
    assert Contact.objects.filter(installation=installation).count() == CUSTOMERS
    enrollments = Enrollment.objects.filter(installation=installation)
    assert enrollments.count() == CUSTOMERS
    assert set(enrollments.values_list("status", flat=True)) == {EnrollmentStatus.FINISHED}
    assert not enrollments.filter(
        status=EnrollmentStatus.WAITING, wake_at__lt=timezone.now() - timedelta(seconds=30)
    ).exists()

    # One message per (enrollment, node), two per enrollment.
    per_node = (
        Message.objects.values("enrollment_id", "node_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not per_node.exists(), list(per_node[:5])
    nodes = Counter(Message.objects.values_list("node_id", flat=True))
    assert nodes == {"s1": CUSTOMERS, "s2": CUSTOMERS}, nodes

    # The sends on disk: at most one per message; exactly one per message marked sent; none
    # for a message the database does not know (a send whose row was rolled back).
    files = sent_keys(stack.mail)
    messages = {
        str(key): status for key, status in Message.objects.values_list("idempotency_key", "status")
    }
    duplicates = {key: n for key, n in files.items() if n > 1}
    strangers = set(files) - set(messages)
    assert not duplicates, f"sent twice: {duplicates}"
    assert not strangers, f"sends without a committed message: {len(strangers)}"
    by_status = Counter(messages.values())
    interrupted = {
        key
        for key, status in messages.items()
        if status in (MessageStatus.SENDING, MessageStatus.FAILED_UNKNOWN)
    }
    assert set(by_status) <= {
        MessageStatus.SENT,
        MessageStatus.SENDING,
        MessageStatus.FAILED_UNKNOWN,
    }
    unsent = [
        key for key, status in messages.items() if status == MessageStatus.SENT and key not in files
    ]
    assert not unsent, f"{len(unsent)} messages marked sent without a send on disk"
    return {
        "events": len(sender.deliveries),
        "accepted": sender.stats.accepted,
        "attempts": sender.stats.attempts,
        "retried": sender.stats.retried,
        "sender_errors": sender.stats.errors,
        "inbox": {str(k): v for k, v in statuses.items()},
        "messages": {str(k): v for k, v in by_status.items()},
        "sends_on_disk": sum(files.values()),
        "duplicates": len(duplicates),
        "interrupted_between_send_and_commit": {
            "count": len(interrupted),
            "of_which_went_out": sum(1 for key in interrupted if key in files),
        },
    }
