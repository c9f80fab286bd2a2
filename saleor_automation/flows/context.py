"""What a node sees: a read-only snapshot that the runtime builds before evaluating a node.

Nothing here touches the database. The runtime copies rows into these frozen views, so node
semantics stay pure functions of (node, context, now) and tests build them by hand.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .caps import CapRule
from .localtime import QuietHours

if TYPE_CHECKING:
    from .definition import FlowSettings

__all__ = ["ContactView", "MessageEvent", "NodeContext"]


class MessageEvent:
    """Event kinds kept per send node in NodeContext.messages (the first time each one
    happened), and usable in predicates as "message.<node_id>.<kind>"."""

    SENT = "sent"
    DELIVERED = "delivered"
    OPENED = "opened"
    CLICKED = "clicked"
    BOUNCED = "bounced"
    FAILED = "failed"
    REJECTED = "rejected"
    COMPLAINED = "complained"
    UNSUBSCRIBED = "unsubscribed"
    ALL = frozenset(
        {SENT, DELIVERED, OPENED, CLICKED, BOUNCED, FAILED, REJECTED, COMPLAINED, UNSUBSCRIBED}
    )
    # SMS has no open tracking: waits and predicates may only ask an email node for these.
    EMAIL_ONLY = frozenset({OPENED})


@dataclass(frozen=True, kw_only=True)
class ContactView:
    """One contact as node semantics and predicates see it.

    Empty strings mean unknown. `marketing_consent` / `sms_consent` are None when the store
    never said; a marketing send needs True, so the runtime decides what an unknown means
    (the installation's policy) when it builds the view. `needs_opt_in` is True when the
    store asks for double opt-in and the contact has said neither yes nor no yet.
    `spend` is per currency code
    (missing = nothing spent). `attributes` holds customer metadata by key, plus "birthday"
    as the store encodes it ("YYYY-MM-DD", "MM-DD" or a `date`; see localtime.parse_annual_date).
    """

    id: int
    email: str = ""
    phone: str = ""
    country: str = ""  # ISO 3166 alpha-2
    city: str = ""
    postal_code: str = ""
    timezone: str | None = None  # IANA name, when the store knows it
    language: str = ""
    marketing_consent: bool | None = None
    sms_consent: bool | None = None
    needs_opt_in: bool = False
    order_count: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    spend: Mapping[str, Decimal] = field(default_factory=dict)
    groups: frozenset[str] = frozenset()
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class NodeContext:
    """Everything a node may look at besides its own params and the clock.

    `node_entered_at` is when the enrollment entered the current node; the runtime keeps it
    when a decision asks for the same node to be evaluated again (SleepUntil with label None,
    AwaitEvent with on_event None), so waits measure from the first entry.
    `context` is what started the enrollment (e.g. {"checkout": {...}} or {"order": {...}}).
    `messages` maps a send node id to {MessageEvent kind: first time it happened} for this
    enrollment's messages. `recent_marketing_sends` are the times of marketing messages that
    count towards the cap, sent to this contact by any flow within at least `cap.window`.
    """

    enrollment_id: int
    flow_id: int
    step_seq: int
    node_entered_at: datetime
    contact: ContactView
    settings: "FlowSettings"
    context: Mapping[str, Any] = field(default_factory=dict)
    messages: Mapping[str, Mapping[str, datetime]] = field(default_factory=dict)
    installation_timezone: str = "UTC"
    # The store's quiet hours, for flows that set none of their own.
    installation_quiet_hours: QuietHours | None = None
    recent_marketing_sends: tuple[datetime, ...] = ()
    cap: CapRule | None = None

    def message_event(self, node_id: str, kind: str) -> datetime | None:
        """When `kind` first happened to the message of send node `node_id`, if it did."""
        return self.messages.get(node_id, {}).get(kind)
