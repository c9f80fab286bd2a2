"""Tracked links: `{APP_BASE_URL}/r/<token>` redirects to a target the app signed.

    tracked_url(message, url, *, expires_in=None, product_id="") -> str
    tracked_link_read(token, *, now=None) -> TrackedLink
    click_record(message, url, *, at, product_id="") -> MessageEvent | None

The target URL, the message id and the expiry are inside a signed token, so the redirect
goes only where the app sent it (no open redirect) and a bearer secret in the target (the
checkout id of a recovery URL) only ever travels inside a URL the app signed. Clicks are
recorded here, whichever ESP sends the mail: the console backend counts clicks too.
A link to a product (a recommendation) also signs the product's Saleor id, and its click
event carries it ({"url", "product_id"}), so an order line of that product can be credited
to the message.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction

from .models import Message, MessageEvent, MessageEventKind
from .tracking.events import message_event_record

SALT = "saleor_automation.messaging.links"
ALLOWED_SCHEMES = {"http", "https"}
# Clicks on the same link of the same message closer together than this are one click: a
# double click, a mail client's preview fetching twice.
CLICK_BURST = timedelta(seconds=30)


class InvalidLink(Exception):
    """Forged or malformed token, or a target that is not http(s)."""


class ExpiredLink(Exception):
    """A genuine token past its expiry; `home` is the target's site, safe to link to."""

    def __init__(self, home: str) -> None:
        super().__init__("link expired")
        self.home = home


@dataclass(frozen=True)
class TrackedLink:
    message_id: int
    url: str
    product_id: str = ""  # the Saleor product the link shows, for a recommendation


def _check_target(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        raise InvalidLink("only absolute http(s) targets are tracked")


def _home(url: str) -> str:
    """The site root of a target: where an expired link leads instead of the target (which
    may hold a secret that must not outlive the link)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def tracked_url(
    message: Message, url: str, *, expires_in: timedelta | None = None, product_id: str = ""
) -> str:
    """The tracked form of `url` for `message`. `expires_in` defaults to
    TRACKED_LINK_MAX_AGE_DAYS; a checkout recovery link should pass the checkout's own life.
    `product_id`: the product the link leads to, recorded with its clicks. Raises ValueError
    for a target that is not an absolute http(s) URL."""
    try:
        _check_target(url)
    except InvalidLink as exc:
        raise ValueError(str(exc)) from exc
    if expires_in is None:
        expires_in = timedelta(days=settings.TRACKED_LINK_MAX_AGE_DAYS)
    expires = int(time.time() + expires_in.total_seconds())
    # Without a product the payload keeps its original three items (links in sent mail).
    payload = [message.pk, url, expires, product_id] if product_id else [message.pk, url, expires]
    token = signing.dumps(payload, salt=SALT, compress=True)
    return f"{settings.APP_BASE_URL}/r/{token}"


def tracked_link_read(token: str, *, now: datetime | None = None) -> TrackedLink:
    """Verify a token; raises InvalidLink, or ExpiredLink past its expiry."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise InvalidLink("bad signature") from exc
    if not (isinstance(payload, list) and len(payload) in (3, 4)):
        raise InvalidLink("malformed payload")
    message_id, url, expires = payload[:3]
    product_id = payload[3] if len(payload) == 4 else ""
    if not (isinstance(message_id, int) and isinstance(url, str) and isinstance(product_id, str)):
        raise InvalidLink("malformed payload")
    _check_target(url)
    current = now.timestamp() if now is not None else time.time()
    if not isinstance(expires, int) or current > expires:
        raise ExpiredLink(_home(url))
    return TrackedLink(message_id=message_id, url=url, product_id=product_id)


def click_record(
    message: Message, url: str, *, at: datetime, product_id: str = ""
) -> MessageEvent | None:
    """Store a `clicked` event for `message` (which advances its status and sends
    message_event_recorded), with the link's `product_id` when it has one; None when the
    same link of the message was clicked within CLICK_BURST (one click, counted once)."""
    with transaction.atomic():
        # Lock the message so two concurrent clicks of a burst cannot both pass the check.
        Message.objects.select_for_update().filter(pk=message.pk).first()
        recent = MessageEvent.objects.filter(
            message=message,
            kind=MessageEventKind.CLICKED,
            occurred_at__gt=at - CLICK_BURST,
            data__url=url,
        ).exists()
        if recent:
            return None
        data = {"url": url, "source": "redirect"}
        if product_id:
            data["product_id"] = product_id
        return message_event_record(message, MessageEventKind.CLICKED, occurred_at=at, data=data)
