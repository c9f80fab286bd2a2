"""The thin layer over django-anymail: one email built and handed to EMAIL_BACKEND.

    email_build(*, to, subject, text, html, sender, headers=None, metadata=None, tags=())
        -> AnymailMessage
    email_send(email) -> str

Anymail is used unchanged (STYLE.md): the ESP is whatever anymail backend EMAIL_BACKEND
names, configured by the ANYMAIL setting. AnymailMessage is Django's EmailMultiAlternatives
plus `metadata` and `tags`, which ESPs carry through to their tracking webhooks, so a
delivery or bounce event names our message. Django's own backends (console, SMTP) send it
as a plain EmailMultiAlternatives and ignore those attributes; the X-Message-Key header and
our Message-ID do that job there.
"""

from collections.abc import Mapping, Sequence
from email.utils import make_msgid

from anymail.backends.base import AnymailBaseBackend
from anymail.message import AnymailMessage
from django.core.mail import get_connection

from .sender import EmailProfile


def email_build(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    sender: EmailProfile,
    headers: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    tags: Sequence[str] = (),
) -> AnymailMessage:
    """A multipart/alternative email (text, then HTML) from the store's sender."""
    extra: dict[str, object] = {}
    # Only what is given: an ESP told "metadata: {}" may still send an empty field.
    if metadata:
        extra["metadata"] = dict(metadata)
    if tags:
        extra["tags"] = list(tags)
    email = AnymailMessage(
        subject=subject,
        body=text,
        from_email=sender.from_header,
        to=[to],
        reply_to=[sender.reply_to] if sender.reply_to else None,
        headers=dict(headers or {}),
        **extra,
    )
    if html:
        email.attach_alternative(html, "text/html")
    return email


def email_send(email: AnymailMessage) -> str:
    """Send through EMAIL_BACKEND; returns the provider's id of the message (anymail's
    `anymail_status.message_id`; over a non-anymail backend, our own Message-ID header).
    Raises whatever the backend raises when the message did not go out."""
    connection = get_connection(fail_silently=False)
    if not isinstance(connection, AnymailBaseBackend) and "Message-ID" not in email.extra_headers:
        # Django would make one up inside the backend and keep it to itself; SMTP bounces
        # and replies quote it, so we choose it and record it.
        domain = email.from_email.rpartition("@")[2].rstrip(">") or None
        email.extra_headers["Message-ID"] = make_msgid(domain=domain)
    sent = connection.send_messages([email])
    if not sent:
        raise RuntimeError("the email backend sent nothing")
    status = getattr(email, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if message_id is None or isinstance(message_id, set):
        # Not an ESP (console, SMTP), or an ESP that gave no single id for our one recipient.
        return email.extra_headers.get("Message-ID", "")
    return str(message_id)
