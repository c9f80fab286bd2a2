"""The send path over real SMTP: Django's SMTP backend talking to an aiosmtpd server on
loopback, and the bytes it received parsed back as a mail client would."""

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from saleor_automation.messaging.models import MessageStatus
from saleor_automation.messaging.sender import email_settings_update
from saleor_automation.messaging.services import message_send
from tests.flows.db_fixtures import NOW, contact, installation

from .sent_messages import queued_email

__all__ = ["contact", "installation"]  # fixtures used by name


class Sink:
    """Keeps every message it is given; refuses recipients in `refuse`."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK: queued"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink(settings) -> Iterator[Sink]:
    handler = Sink()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def store(installation):
    return email_settings_update(
        installation=installation,
        from_name="Café Trail",
        from_email="hello@shop.example.com",
        reply_to="help@shop.example.com",
        postal_address="Hauptstraße 1, 10115 Berlin",
        checkout_url="https://shop.example.com/checkout?token={token}",
    )


def test_a_marketing_email_arrives_over_smtp_with_its_headers_and_both_parts(contact, store, sink):
    message = queued_email(
        contact, language="de-DE", country="DE", currency="EUR", first_name="Jörg"
    )
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    (envelope,) = sink.envelopes
    assert envelope.mail_from == "hello@shop.example.com"
    assert envelope.rcpt_tos == [contact.email]
    received: EmailMessage = message_from_bytes(envelope.content, policy=policy.default)

    assert received["From"].addresses[0].display_name == "Café Trail"
    assert received["From"].addresses[0].addr_spec == "hello@shop.example.com"
    assert received["To"] == contact.email
    assert received["Reply-To"] == "help@shop.example.com"
    assert received["Subject"] == "Jörg, du hast etwas vergessen"
    # RFC 8058 one-click unsubscribe, from messaging.unsubscribe.
    # (Folded: the long URL moves to a continuation line, whose leading space is folding.)
    assert received["List-Unsubscribe"].strip().startswith(f"<{settings.APP_BASE_URL}/u/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["X-Message-Key"] == str(message.idempotency_key)

    message.refresh_from_db()
    # Over SMTP the provider id is our own Message-ID: replies and bounces quote it.
    assert received["Message-ID"] == message.provider_message_id
    assert message.provider_message_id.endswith("@shop.example.com>")

    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Hallo Jörg," in text and "2 × 1.234,50\xa0€" in text
    assert "Hallo Jörg," in html and "2 &times; 1.234,50\xa0€" in html
    assert '<img alt="Trail Runner"' in html
    assert "Hauptstraße 1, 10115 Berlin" in html
    assert html.replace("\r\n", "\n") == message.body_html


def test_a_recipient_the_server_refuses_fails_the_message(contact, store, sink):
    sink.refuse.add(contact.email)
    message = queued_email(contact)
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.error.startswith("SMTPRecipientsRefused")
    assert sink.envelopes == []
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED  # not retried
