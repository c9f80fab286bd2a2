"""Double opt-in: the link in a confirmation email that turns a sign-up into consent.

    confirm_url(message) -> str

`{% confirm_button %}` renders the link of the message it is in. The page (`views`) shows a
button on GET and confirms on POST, storing a ConsentConfirmation and sending
signals.consent_confirmed; contacts records the consent and flows wakes the waits for it.
"""

from django.conf import settings

from ..models import Message
from .tokens import confirm_token


def confirm_url(message: Message) -> str:
    """The message's confirmation link; built from APP_BASE_URL, never from a request."""
    return f"{settings.APP_BASE_URL}/confirm/{confirm_token(message)}"


__all__ = ["confirm_url"]
