"""What send_email and send_sms share: their params and the checks before a send.

A transactional send (marketing false) goes out whatever the settings. A marketing send
needs an address and consent (True; None is not consent), then must fall outside quiet
hours, inside the send window and under the frequency cap (when the flow takes part in
capping and the installation has a cap). Outside those, "defer" sleeps until the first
moment all of them allow and evaluates the node again then (the cap is re-checked, since
other flows may have sent meanwhile); "skip" moves on without sending.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..caps import cap_next_allowed
from ..context import NodeContext
from ..decisions import Decision, Reason, Send, Skip, SleepUntil
from ..localtime import contact_timezone, next_allowed
from .params import ParamReader

if TYPE_CHECKING:
    from ..definition import Node

EMAIL = "email"
SMS = "sms"


class OutsideWindow:
    DEFER = "defer"
    SKIP = "skip"
    ALL = (DEFER, SKIP)


@dataclass(frozen=True)
class SendParams:
    message: Mapping[str, Any]  # the messaging layer's; opaque here
    marketing: bool = True
    outside_window: str = OutsideWindow.DEFER


def parse_params(r: ParamReader) -> SendParams:
    return SendParams(
        message=r.mapping("message"),
        marketing=r.boolean("marketing", True),
        outside_window=r.string(
            "outside_window", default=OutsideWindow.DEFER, choices=OutsideWindow.ALL
        ),
    )


def labels(params: SendParams) -> tuple[str, ...]:
    return ("next",)


def evaluate_send(channel: str, node: "Node", ctx: NodeContext, now: datetime) -> Decision:
    params: SendParams = node.params
    contact = ctx.contact
    if not (contact.email if channel == EMAIL else contact.phone):
        return Skip(Reason.NO_ADDRESS)
    if not params.marketing:
        return Send(channel)
    consent = contact.marketing_consent if channel == EMAIL else contact.sms_consent
    if consent is not True:
        return Skip(Reason.NO_CONSENT)
    settings = ctx.settings
    tz = contact_timezone(contact, ctx.installation_timezone)
    # The flow's own quiet hours, else the store's.
    quiet = settings.quiet_hours or ctx.installation_quiet_hours
    allowed = next_allowed(now, tz, quiet, settings.send_window)
    if allowed > now:
        inside_quiet = quiet is not None and quiet.contains(now.astimezone(tz).time())
        return _outside(params, allowed, Reason.QUIET_HOURS if inside_quiet else Reason.SEND_WINDOW)
    if settings.frequency_cap and ctx.cap is not None:
        capped = cap_next_allowed(ctx.recent_marketing_sends, ctx.cap, now)
        if capped > now:
            # The cap only loosens with time, so the first window moment after it fits both.
            allowed = next_allowed(capped, tz, quiet, settings.send_window)
            return _outside(params, allowed, Reason.FREQUENCY_CAP)
    return Send(channel)


def _outside(params: SendParams, allowed: datetime, reason: str) -> Decision:
    if params.outside_window == OutsideWindow.SKIP:
        return Skip(reason)
    return SleepUntil(allowed, label=None, reason=reason)
