"""A store's clock for end-to-end template tests: move it forward and everything that falls
due on the way runs, in order, as the workers and beat would run it.

    clock = StoreClock(saleor_emulator, installation, start=T0)
    with clock.frozen():                       # the test acts at clock.now
        saleor_emulator.send_event("CUSTOMER_CREATED", customer)
    sent = clock.advance_to(T0 + timedelta(days=3))   # -> [Sent, ...] in send order

Between `now` and the target the clock stops at every due timer (enrollment wake_at,
pending entry due_at, effect retry, deferred send) and at every beat of the scheduled triggers
(`beat`, hourly by default), and at each stop runs until nothing more is due: the inbox,
pending entries, the scheduled triggers and segments (on beats), the tick, the effects and
the outbox. Each step is the function the Celery task calls, with the stop's time as `now`
and time_machine holding the wall clock there, so rows carry the simulated time.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.db.models import Min, Q

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.flows.actions.models import EffectRetry
from saleor_automation.flows.effects import effect_run
from saleor_automation.flows.models import Effect, EffectStatus, Enrollment, EnrollmentStatus
from saleor_automation.flows.scheduler import tick
from saleor_automation.flows.triggers.models import PendingEntry
from saleor_automation.flows.triggers.pending import pending_entries_run
from saleor_automation.flows.triggers.scheduled import scheduled_triggers_run
from saleor_automation.flows.triggers.segments import segments_run
from saleor_automation.messaging.links import tracked_link_read
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send
from saleor_automation.saleor.models import InboxEvent, InboxStatus, Installation
from tests.saleor_emulator import SaleorEmulator

# More rounds than this at one moment means something keeps rescheduling itself at once.
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Sent:
    """One email handed to Django's mail backend, with the outbox row it came from."""

    to: str
    subject: str
    html: str
    text: str
    sent_at: datetime  # UTC
    node_id: str
    flow: str

    def local(self, zone: str) -> datetime:
        """When it went out on the recipient's wall clock (naive, for readable asserts)."""
        return self.sent_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)

    def link_targets(self) -> list[str]:
        """Where the email's tracked links lead (read back from their signed tokens)."""
        tokens = re.findall(r'href="[^"]*/r/([^"/?#]+)"', self.html)
        return [tracked_link_read(token, now=self.sent_at).url for token in tokens]


class StoreClock:
    def __init__(
        self,
        emulator: SaleorEmulator,
        installation: Installation,
        *,
        start: datetime,
        beat: timedelta = timedelta(hours=1),
    ):
        self.emulator = emulator
        self.installation = installation
        self.now = start
        self.beat = beat
        self._next_beat = start

    @contextmanager
    def frozen(self) -> Iterator[datetime]:
        """The wall clock (app, emulator and live server alike) held at `now`."""
        with time_machine.travel(self.now, tick=False):
            yield self.now

    def advance_to(self, target: datetime) -> list[Sent]:
        """Move to `target`, running everything due on the way; the emails sent."""
        if target < self.now:
            raise ValueError("the clock only moves forward")
        sent = self._run_due()  # what the test's own actions made due
        due = self._next_due()
        while self.now < target:
            self.now = min(filter(None, (due, self._next_beat, target)))
            started = False
            if self.now >= self._next_beat:
                self._next_beat += self.beat
                started = self._beat()
            # A beat that starts nothing is all a stop between timers amounts to: the
            # rest runs only when something may be due, which keeps a 100-day run short.
            if started or self.now in (due, target):
                sent += self._run_due()
                due = self._next_due()
        # Emails of the same moment go out in whatever order the workers took them.
        return sorted(sent, key=lambda email: (email.sent_at, email.to, email.node_id))

    def advance(self, delta: timedelta) -> list[Sent]:
        return self.advance_to(self.now + delta)

    def _beat(self) -> bool:
        """The scheduled-triggers task (date fields, win-back, segments); True when it
        started or recorded anything."""
        with time_machine.travel(self.now, tick=False):
            return bool(scheduled_triggers_run(now=self.now) + segments_run(now=self.now))

    def _next_due(self) -> datetime | None:
        """The earliest timer after now (enrollments, pending entries, effect retries,
        deferred sends)."""
        later = {"installation": self.installation}
        moments = [
            Enrollment.objects.filter(
                **later,
                status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING],
                wake_at__gt=self.now,
            ).aggregate(at=Min("wake_at"))["at"],
            PendingEntry.objects.filter(**later, due_at__gt=self.now).aggregate(at=Min("due_at"))[
                "at"
            ],
            EffectRetry.objects.filter(
                effect__installation=self.installation,
                effect__status=EffectStatus.PENDING,
                next_attempt_at__gt=self.now,
            ).aggregate(at=Min("next_attempt_at"))["at"],
            Message.objects.filter(
                **later, status=MessageStatus.QUEUED, retry_at__gt=self.now
            ).aggregate(at=Min("retry_at"))["at"],
        ]
        return min(filter(None, moments), default=None)

    def _run_due(self) -> list[Sent]:
        """Run every step at `now` until a round changes nothing."""
        sent: list[Sent] = []
        now = self.now
        with time_machine.travel(now, tick=False):
            for _ in range(MAX_ROUNDS):
                inbox = inbox_process_due()
                progress = inbox.processed + inbox.ignored > 0
                progress |= pending_entries_run(now=now).claimed > 0
                while tick(now) > 0:
                    progress = True
                for effect_id in self._pending_effects():
                    progress |= effect_run(effect_id, now=now) != EffectStatus.PENDING
                for message_id in self._queued_messages(now):
                    emails, left_queue = self._send(message_id, now)
                    sent += emails
                    progress |= left_queue
                if not progress:
                    return sent
        raise AssertionError(f"still busy after {MAX_ROUNDS} rounds at {now}")

    def _pending_effects(self) -> list[int]:
        return list(
            Effect.objects.filter(installation=self.installation, status=EffectStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _queued_messages(self, now: datetime) -> list[int]:
        """Queued messages to hand to the outbox now (a deferred one once its retry is due)."""
        return list(
            Message.objects.filter(installation=self.installation, status=MessageStatus.QUEUED)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _send(self, message_id: int, now: datetime) -> tuple[list[Sent], bool]:
        """The emails one send handed to the backend, and whether the message left the
        queue (a deferred one stays, with its retry time)."""
        before = len(mail.outbox)
        message_send(message_id, now=now)
        message = Message.objects.select_related("enrollment__flow").get(pk=message_id)
        emails = mail.outbox[before:]
        if message.status != MessageStatus.SENT:
            assert not emails
            return [], message.status != MessageStatus.QUEUED
        return [
            Sent(
                to=", ".join(email.to),
                subject=email.subject,
                html=_html(email),
                text=email.body,
                sent_at=message.sent_at,
                node_id=message.node_id,
                flow=message.enrollment.flow.name if message.enrollment else "",
            )
            for email in emails
        ], True


def _html(email: mail.EmailMessage) -> str:
    for content, mimetype in getattr(email, "alternatives", ()):
        if mimetype == "text/html":
            return content
    return ""


def inbox_problems(installation: Installation) -> list[tuple[str, str]]:
    """Inbox rows that did not apply cleanly (event type, error): none is expected."""
    return list(
        InboxEvent.objects.filter(installation=installation)
        .exclude(status=InboxStatus.PROCESSED)
        .values_list("event_type", "last_error")
    )
