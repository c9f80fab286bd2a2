"""What a node decides. Node semantics (flows/nodes/<type>.py) are pure functions that
return one of these; `flows/engine.py` is the only code that applies them.

Labels name the outgoing edge to follow: "next" for single-exit nodes, "yes"/"no" for
conditions, a branch label for splits, "event"/"timeout" for waits on an event.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Goto:
    """Leave the node now along the edge `label`."""

    label: str = "next"


@dataclass(frozen=True)
class SleepUntil:
    """Sleep until `until` (an aware UTC datetime), then follow `label`; with label None the
    same node is evaluated again at `until` (quiet hours, caps, send windows)."""

    until: datetime
    label: str | None = "next"
    reason: str = ""


@dataclass(frozen=True)
class AwaitEvent:
    """Wait for a matching event (e.g. kind "message.clicked" with {"node": "n2"}, or
    "order.placed") until `until`; follow `on_event` when it comes, else `on_timeout`.

    With `on_event` None the same node is evaluated again when the event comes (keeping its
    original entry time): a wait measured from a message event first waits for the event,
    then sleeps for its duration.
    """

    kind: str
    until: datetime
    match: Mapping[str, Any] = field(default_factory=dict)
    on_event: str | None = "event"
    on_timeout: str = "timeout"


@dataclass(frozen=True)
class Send:
    """Send this node's message on `channel` ("email" or "sms"), then follow `label`.

    The engine writes the outbox row in the same transaction, keyed by (enrollment, node),
    so a retried advance can never send twice.
    """

    channel: str
    label: str = "next"


@dataclass(frozen=True)
class Act:
    """Run a side effect `action` (create_voucher, write_metadata, add_to_group, ...) after
    commit, keyed by (enrollment, node) like a send, then follow `label`."""

    action: str
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = "next"


@dataclass(frozen=True)
class Skip:
    """Do nothing at this node (e.g. a send outside its window with policy "skip", or no
    consent) and follow `label`; recorded with `reason` in the step history."""

    reason: str
    label: str = "next"


@dataclass(frozen=True)
class Finish:
    """End the enrollment with `reason` (exit node, goal reached, definition error...)."""

    reason: str


Decision = Goto | SleepUntil | AwaitEvent | Send | Act | Skip | Finish


class Reason:
    """The `reason` strings that node semantics put on SleepUntil, Skip and Finish; step
    history and stats group by them, so they are a closed vocabulary."""

    WAIT = "wait"  # a wait node's own sleep
    QUIET_HOURS = "quiet_hours"  # a marketing send inside the flow's quiet hours
    SEND_WINDOW = "send_window"  # a marketing send outside the flow's send window
    FREQUENCY_CAP = "frequency_cap"  # the contact already got the cap's worth of messages
    NO_CONSENT = "no_consent"  # a marketing send to a contact without (known) consent
    NO_ADDRESS = "no_address"  # no email address / phone number to send to
    EXIT = "exit"  # an exit node
