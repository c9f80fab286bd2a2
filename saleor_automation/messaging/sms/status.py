"""The closed vocabularies of the SMS layer and the one normalised tracking event.

    SmsStatus        what a provider said when it took a message (queued/sent/rejected/...)
    SmsEventType     what a webhook reports later (delivered, undelivered, inbound, opted_out...)
    SmsTrackingEvent one such report, provider-neutral, keeping the raw provider_event
    keyword_event_type(body) -> (event type, keyword)   STOP/START/HELP replies

Each provider module maps its own words onto these (webhooks/twilio.py); anything it does
not know becomes UNKNOWN and is kept, never dropped (anymail's rule).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "HELP_KEYWORDS",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "SmsEventType",
    "SmsStatus",
    "SmsTrackingEvent",
    "keyword_event_type",
]


class SmsStatus:
    """A message's state as the provider reported it when the send request returned."""

    QUEUED = "queued"  # accepted, not yet handed to a carrier
    SENT = "sent"  # handed to a carrier
    REJECTED = "rejected"  # refused for this recipient (opted out, blocked)
    FAILED = "failed"  # could not be sent
    UNKNOWN = "unknown"
    ALL = (QUEUED, SENT, REJECTED, FAILED, UNKNOWN)
    # What the send pipeline raises for (BaseSmsBackend.raise_for_send_status).
    REFUSED = frozenset({REJECTED, FAILED})


class SmsEventType:
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"  # the carrier confirmed delivery to the handset
    UNDELIVERED = "undelivered"  # the carrier gave up (switched off too long, unknown number)
    FAILED = "failed"  # the provider could not send it at all
    INBOUND = "inbound"  # a reply that is no keyword we act on (HELP included)
    OPTED_OUT = "opted_out"  # STOP and its synonyms
    OPTED_IN = "opted_in"  # START and its synonyms
    UNKNOWN = "unknown"
    ALL = (QUEUED, SENT, DELIVERED, UNDELIVERED, FAILED, INBOUND, OPTED_OUT, OPTED_IN, UNKNOWN)
    # Reports about a message we sent, as opposed to messages the recipient sent us.
    STATUS = frozenset({QUEUED, SENT, DELIVERED, UNDELIVERED, FAILED})


# The industry's standard keywords (CTIA; the same ones Twilio and the carriers act on), so
# the store's own list agrees with what the carrier already blocks.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})


def keyword_event_type(body: str) -> tuple[str, str]:
    """(event type, keyword) of an inbound reply. A keyword counts only as the whole message
    (case, surrounding space and trailing punctuation aside), as carriers read it: "stop
    sending me deals" is a reply to read, not an opt-out."""
    word = (body or "").strip().rstrip(".!").strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return SmsEventType.OPTED_OUT, word
    if word in OPT_IN_KEYWORDS:
        return SmsEventType.OPTED_IN, word
    if word in HELP_KEYWORDS:
        return SmsEventType.INBOUND, word
    return SmsEventType.INBOUND, ""


@dataclass
class SmsTrackingEvent:
    """One normalised webhook report (anymail's AnymailTrackingEvent for SMS).

    `recipient` is the number the event is about, E.164: the recipient of a message we sent,
    or the sender of an inbound reply. `body` is an inbound reply's text: personal data,
    never logged.
    """

    event_type: str
    provider: str
    installation_id: int
    timestamp: datetime
    message_id: str = ""  # the provider's id of the message (Twilio's MessageSid)
    message_key: str = ""  # our Message.idempotency_key, echoed back from the metadata
    recipient: str = ""
    sender: str = ""  # the store's number (or service) the event concerns
    body: str = ""
    keyword: str = ""  # STOP, START, HELP... for an inbound reply that is one
    provider_status: str = ""  # the provider's own word ("undelivered")
    error_code: str = ""
    description: str = ""
    # The number can never receive SMS (unknown handset, landline): it is suppressed.
    permanent: bool = False
    provider_event: dict[str, Any] = field(default_factory=dict)
