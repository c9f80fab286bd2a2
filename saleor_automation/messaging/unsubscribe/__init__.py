"""Unsubscribe links, the RFC 8058 one-click headers and the preferences page.

    list_unsubscribe_headers(message) -> dict[str, str]
    unsubscribe_url(message) -> str
    preferences_url(message) -> str

The views are in `views`; tokens in `tokens`.
"""

from django.conf import settings

from ..models import Message
from .tokens import unsubscribe_token


def unsubscribe_url(message: Message) -> str:
    """The message's unsubscribe link (GET: a confirmation page; POST: RFC 8058 one-click).
    Built from APP_BASE_URL, never from a request's Host header."""
    return f"{settings.APP_BASE_URL}/u/{unsubscribe_token(message)}"


def preferences_url(message: Message) -> str:
    """The message's preferences page (the footer link): opt out of or back into marketing,
    per channel."""
    return f"{settings.APP_BASE_URL}/p/{unsubscribe_token(message)}"


def list_unsubscribe_headers(message: Message) -> dict[str, str]:
    """The List-Unsubscribe and List-Unsubscribe-Post headers of a marketing email (RFC 2369,
    RFC 8058). Gmail and Yahoo require both from bulk senders; mail clients then show their
    own unsubscribe button, which POSTs "List-Unsubscribe=One-Click" to the URL."""
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url(message)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if settings.UNSUBSCRIBE_MAILTO:
        # RFC 2369 allows several URIs, preferred first; some older clients only do mailto.
        # The subject carries the token so whoever reads that mailbox can act on it.
        token = unsubscribe_token(message)
        mailto = f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}"
        headers["List-Unsubscribe"] += f", <{mailto}>"
    return headers


__all__ = ["list_unsubscribe_headers", "preferences_url", "unsubscribe_url"]
