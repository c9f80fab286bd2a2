"""wait: lets time pass, in one of three modes.

- duration: sleep `delay` after entering the node, then "next". Its `days` are calendar days
  in the contact's time zone (same local time, whatever DST does in between); its hours and
  minutes are elapsed time. With `anchor` ("delivered",
  "opened" or "clicked" of send node `node`) the delay runs from that message event
  instead. If the event has not happened yet, the node first waits for it (AwaitEvent with
  on_event None: the node is evaluated again when it comes, and then sleeps the rest of the
  delay); if it does not happen within `timeout` of entering, the wait leaves on "timeout".
  A delay already over when the node is evaluated goes on at once.
- until_time: sleep until the next local `at` (on `weekdays`, if given) in the contact's time
  zone, strictly after entering, then "next". DST rules: see localtime.
- until_event: leave on "event" as soon as the event has happened (at once if it already
  has: a message event of send node `node` at any time, an order placed since entering, or
  for consent_confirmed the contact's marketing consent, e.g. given through a double opt-in
  link), else on "timeout" once `timeout` after entering has passed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from ..context import MessageEvent, NodeContext
from ..decisions import AwaitEvent, Decision, Goto, Reason, SleepUntil
from ..localtime import add_local_days, contact_timezone, next_local_time
from .params import MessageRef, ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "wait"
ENTRY = "entry"
ANCHORS = (MessageEvent.DELIVERED, MessageEvent.OPENED, MessageEvent.CLICKED)


class WaitMode:
    DURATION = "duration"
    UNTIL_TIME = "until_time"
    UNTIL_EVENT = "until_event"
    ALL = (DURATION, UNTIL_TIME, UNTIL_EVENT)


class WaitEvent:
    MESSAGE_DELIVERED = "message_delivered"
    MESSAGE_OPENED = "message_opened"
    MESSAGE_CLICKED = "message_clicked"
    ORDER_PLACED = "order_placed"
    CONSENT_CONFIRMED = "consent_confirmed"
    ALL = (MESSAGE_DELIVERED, MESSAGE_OPENED, MESSAGE_CLICKED, ORDER_PLACED, CONSENT_CONFIRMED)
    # The MessageEvent kind behind each message event.
    MESSAGE_KIND = {
        MESSAGE_DELIVERED: MessageEvent.DELIVERED,
        MESSAGE_OPENED: MessageEvent.OPENED,
        MESSAGE_CLICKED: MessageEvent.CLICKED,
    }


# AwaitEvent kinds, as in decisions.AwaitEvent's docstring.
ORDER_PLACED_KIND = "order.placed"
CONSENT_CONFIRMED_KIND = "consent.confirmed"


def message_kind(event: str) -> str:
    """The AwaitEvent kind for a message event kind: "message.opened"."""
    return f"message.{event}"


@dataclass(frozen=True)
class WaitParams:
    mode: str
    delay: timedelta = timedelta(0)  # duration: its hours and minutes
    days: int = 0  # duration: calendar days, added on the contact's local clock
    anchor: str | None = None  # duration: a MessageEvent in ANCHORS; None = node entry
    node: str | None = None  # the send node of `anchor` or of a message `event`
    at: time = time(0, 0)  # until_time
    weekdays: frozenset[int] = frozenset()  # until_time; empty = every day
    event: str | None = None  # until_event: a WaitEvent
    timeout: timedelta = timedelta(0)  # until_event, and duration with an anchor


def parse_params(r: ParamReader) -> WaitParams:
    mode = r.string("mode", choices=WaitMode.ALL)
    if mode == WaitMode.DURATION:
        total = r.duration()
        days = r.raw("days", 0)
        days = days if isinstance(days, int) and 0 <= days <= total.days else 0
        delay = total - timedelta(days=days)
        anchor = r.string("from", default=ENTRY, choices=(ENTRY, *ANCHORS))
        if anchor == ENTRY:
            return WaitParams(mode, delay=delay, days=days)
        return WaitParams(
            mode,
            delay=delay,
            days=days,
            anchor=anchor,
            node=r.string("node"),
            timeout=r.duration("timeout_"),
        )
    if mode == WaitMode.UNTIL_TIME:
        weekdays = r.weekdays("weekdays", default=list(range(7)))
        return WaitParams(mode, at=r.clock("time"), weekdays=weekdays)
    if mode == WaitMode.UNTIL_EVENT:
        event = r.string("event", choices=WaitEvent.ALL)
        node = r.string("node") if event in WaitEvent.MESSAGE_KIND else None
        timeout = r.duration("timeout_")
        return WaitParams(mode, event=event, node=node, timeout=timeout)
    return WaitParams(mode)


def labels(params: WaitParams) -> tuple[str, ...]:
    if params.mode == WaitMode.UNTIL_EVENT:
        return ("event", "timeout")
    if params.mode == WaitMode.DURATION and params.anchor:
        return ("next", "timeout")
    return ("next",)


def refs(params: WaitParams) -> Iterable[MessageRef]:
    kind = params.anchor or WaitEvent.MESSAGE_KIND.get(params.event or "")
    if params.node and kind:
        yield MessageRef("params.node", params.node, kind)


def lets_time_pass(params: WaitParams) -> bool:
    if params.mode == WaitMode.UNTIL_TIME:
        return True
    return params.mode == WaitMode.DURATION and params.anchor is None


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Decision:
    params: WaitParams = node.params
    entered = ctx.node_entered_at
    if params.mode == WaitMode.UNTIL_TIME:
        tz = contact_timezone(ctx.contact, ctx.installation_timezone)
        return _sleep(next_local_time(entered, tz, params.at, params.weekdays), now)
    if params.mode == WaitMode.UNTIL_EVENT:
        return _until_event(params, ctx, now)
    if params.anchor is None:
        return _sleep(_after(entered, params, ctx), now)
    anchored_at = ctx.message_event(params.node or "", params.anchor)
    if anchored_at is not None:
        return _sleep(_after(anchored_at, params, ctx), now)
    until = entered + params.timeout
    if until <= now:
        return Goto("timeout")
    return AwaitEvent(
        kind=message_kind(params.anchor),
        until=until,
        match={"node": params.node},
        on_event=None,
        on_timeout="timeout",
    )


def _after(start: datetime, params: WaitParams, ctx: NodeContext) -> datetime:
    if params.days:
        tz = contact_timezone(ctx.contact, ctx.installation_timezone)
        start = add_local_days(start, params.days, tz)
    return start + params.delay


def _sleep(until: datetime, now: datetime) -> Decision:
    return Goto("next") if until <= now else SleepUntil(until, "next", reason=Reason.WAIT)


def _until_event(params: WaitParams, ctx: NodeContext, now: datetime) -> Decision:
    entered = ctx.node_entered_at
    kind = WaitEvent.MESSAGE_KIND.get(params.event or "")
    if kind is not None:
        happened = ctx.message_event(params.node or "", kind) is not None
        await_kind, match = message_kind(kind), {"node": params.node}
    elif params.event == WaitEvent.CONSENT_CONFIRMED:
        happened = ctx.contact.marketing_consent is True
        await_kind, match = CONSENT_CONFIRMED_KIND, {}
    else:
        last_order = ctx.contact.last_order_at
        happened = last_order is not None and last_order >= entered
        await_kind, match = ORDER_PLACED_KIND, {}
    if happened:
        return Goto("event")
    until = entered + params.timeout
    if until <= now:
        return Goto("timeout")
    return AwaitEvent(kind=await_kind, until=until, match=match)
