"""Crashes with a real broker and a real Celery worker: SIGKILL at the worst moments, restart,
and check that no timer is lost and no (enrollment, node) is sent twice.

The worker is `run_worker` below, run in a subprocess: it wraps one function of the app so
that the worker stops at a chosen point (writing a marker file first), then the test kills
it with SIGKILL.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from saleor_automation.celery import app as celery_app
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, StepRun
from saleor_automation.flows.services import enrollment_start
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import messages_sweep

from .db_fixtures import HOUR, chain, email, exit_, make_contact, make_flow, make_installation, wait

REPO = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
PAUSE_FOREVER = 3600
# Django must be set up before this module (which imports models) is imported.
WORKER_PROGRAM = (
    "import django, os; "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'saleor_automation.settings'); "
    "django.setup(); "
    "from tests.flows.test_crash import run_worker; run_worker()"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs the Redis broker"),
]


class Worker:
    """A Celery worker subprocess on its own queue, optionally stopping at `pause`."""

    def __init__(self, tmp: Path, queue: str, pause: str = "") -> None:
        self.marker = tmp / f"paused-{uuid.uuid4().hex}"
        self.log = tmp / "worker.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CRASH_QUEUE": queue,
            "CRASH_PAUSE": pause,
            "CRASH_MARKER": str(self.marker),
            "CRASH_MAIL_DIR": str(tmp / "mail"),
        }
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_PROGRAM],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_paused(self, timeout: float = 60) -> None:
        _until(self.marker.exists, timeout, f"the worker to pause (see {self.log})")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _sent_copies(tmp: Path, message: Message) -> int:
    """How many emails with this message's key the email backend wrote."""
    folder = tmp / "mail"
    header = f"X-Message-Key: {message.idempotency_key}"
    if not folder.exists():
        return 0
    return sum(path.read_text().count(header) for path in folder.iterdir())


@pytest.fixture
def queue() -> str:
    return f"crash-{uuid.uuid4().hex}"


@pytest.fixture
def workers(tmp_path: Path, queue: str) -> Iterator[Callable[[str], Worker]]:
    started: list[Worker] = []

    def start(pause: str = "") -> Worker:
        worker = Worker(tmp_path, queue, pause)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def enrollment() -> Enrollment:
    """Due now: trigger -> email -> wait 1 h -> exit."""
    installation = make_installation()
    flow = make_flow(installation, chain(email("s1"), wait("w1", hours=1), exit_()))
    started = enrollment_start(
        flow=flow,
        contact=make_contact(installation),
        entry_key="k",
        context={},
        now=timezone.now(),
    )
    assert started is not None
    return started


def tick(queue: str) -> None:
    celery_app.send_task("saleor_automation.flows.tick", queue=queue)


def assert_timer_kept(enrollment: Enrollment, started_at) -> None:
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.WAITING, "w1")
    assert enrollment.wake_at - started_at >= HOUR - timedelta(seconds=1)
    assert StepRun.objects.filter(enrollment=enrollment).count() == 2  # trigger, send


def test_killed_between_claim_and_send(enrollment, workers, queue, tmp_path):
    started_at = timezone.now()
    worker = workers("claim")
    tick(queue)
    worker.wait_paused()
    worker.kill()
    # Its transaction died with it: the enrollment is still due where it was.
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.ACTIVE, "trigger")
    assert not Message.objects.exists() and not StepRun.objects.exists()

    workers()
    tick(queue)
    _until(lambda: Message.objects.filter(status=MessageStatus.SENT).exists(), 60, "the send")
    message = Message.objects.get()
    assert _sent_copies(tmp_path, message) == 1
    assert_timer_kept(enrollment, started_at)


def test_killed_between_send_and_commit(enrollment, workers, queue, tmp_path):
    started_at = timezone.now()
    worker = workers("send")
    tick(queue)
    worker.wait_paused()
    worker.kill()
    message = Message.objects.get()
    assert message.status == MessageStatus.SENDING
    assert _sent_copies(tmp_path, message) == 1
    assert_timer_kept(enrollment, started_at)

    # The restarted worker gets the unacknowledged send task back (acks_late) and must not
    # send again: the message is left for a human.
    workers()
    _until(
        lambda: Message.objects.get().status == MessageStatus.FAILED_UNKNOWN,
        60,
        "the redelivered send task",
    )
    tick(queue)
    time.sleep(2)
    assert _sent_copies(tmp_path, message) == 1
    assert Message.objects.count() == 1
    assert_timer_kept(enrollment, started_at)


def test_killed_after_commit_before_the_send_was_published(enrollment, workers, queue, tmp_path):
    started_at = timezone.now()
    worker = workers("publish")
    tick(queue)
    worker.wait_paused()
    worker.kill()
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert_timer_kept(enrollment, started_at)

    workers()
    # Beat's outbox sweep finds the queued row whose task never left.
    lost = messages_sweep(now=timezone.now() + timedelta(minutes=5)).requeue
    assert lost == [message.pk]
    celery_app.send_task("saleor_automation.messaging.send", args=[lost], queue=queue)
    _until(lambda: Message.objects.get().status == MessageStatus.SENT, 60, "the send")
    assert _sent_copies(tmp_path, message) == 1


def run_worker() -> None:
    """The worker program: a file email backend, and a stop at CRASH_PAUSE."""
    from django.conf import settings

    from saleor_automation.flows import engine
    from saleor_automation.messaging import tasks as messaging_tasks
    from saleor_automation.messaging.channels import email as email_channel

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = os.environ["CRASH_MAIL_DIR"]
    marker = Path(os.environ["CRASH_MARKER"])

    def stop() -> None:
        marker.write_text("paused")
        time.sleep(PAUSE_FOREVER)

    pause = os.environ.get("CRASH_PAUSE")
    if pause == "claim":  # rows claimed and locked, nothing written yet
        load = engine._load
        engine._load = lambda rows, now: (stop(), load(rows, now))[1]
    elif pause == "send":  # the channel has sent; "sent" is not committed
        send = email_channel.send
        email_channel.send = lambda message: (send(message), stop())[0]
    elif pause == "publish":  # the advance committed; its send task is not published
        messaging_tasks.messages_send_enqueue = lambda ids: stop()

    celery_app.conf.task_default_queue = os.environ["CRASH_QUEUE"]
    # A killed worker's unacknowledged task comes back after this many seconds.
    celery_app.conf.broker_transport_options = {
        "visibility_timeout": 3,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    celery_app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--queues",
            os.environ["CRASH_QUEUE"],
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ]
    )
