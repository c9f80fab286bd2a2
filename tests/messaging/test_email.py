"""The email send path: outbox row -> rendered at send time -> anymail (its test backend,
which records what an ESP would receive) -> provider id recorded; suppression, retries,
render failures, test sends, previews, and the flow engine end to end."""

import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from saleor_automation.contacts.models import Checkout
from saleor_automation.flows import engine
from saleor_automation.flows.services import enrollment_start
from saleor_automation.flows.triggers.common import checkout_context
from saleor_automation.messaging.channels import email as email_channel
from saleor_automation.messaging.compose import message_preview
from saleor_automation.messaging.links import tracked_link_read
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.rendering import (
    RenderedEmail,
    RenderedSms,
    sample_render_context,
)
from saleor_automation.messaging.sender import email_profile, email_settings_update
from saleor_automation.messaging.services import (
    RENDER_FAILED,
    message_send,
    message_test_send,
    messages_queue,
)
from saleor_automation.messaging.signals import pre_render
from saleor_automation.messaging.suppression import SUPPRESSED, suppression_add
from saleor_automation.saleor.checkout_recovery import RecoveryCheckout
from tests.flows.db_fixtures import NOW, chain, contact, eager, exit_, installation, make_flow

from .rendering.content_samples import CART, checkout, render_context
from .sent_messages import queued_email
from .sms.cases import sms_outbox

__all__ = ["contact", "eager", "installation", "sms_outbox"]  # fixtures used by name

ANYMAIL_TEST = "anymail.backends.test.EmailBackend"
CHECKOUT_URL = "https://shop.example.com/checkout?token={token}"


@pytest.fixture(autouse=True)
def anymail_backend(settings):
    settings.EMAIL_BACKEND = ANYMAIL_TEST


@pytest.fixture
def store(installation):
    return email_settings_update(
        installation=installation,
        from_name="Trail & Co",
        from_email="hello@shop.example.com",
        reply_to="help@shop.example.com",
        postal_address="Hauptstraße 1, 10115 Berlin",
        checkout_url=CHECKOUT_URL,
    )


def test_anymail_receives_the_rendered_email_with_metadata_and_the_id_is_recorded(contact, store):
    message = queued_email(contact, language="de", country="DE", currency="EUR")
    assert (message.subject, message.body_html) == ("", "")  # nothing rendered at queue time
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    (sent,) = mail.outbox
    params = sent.anymail_test_params
    assert params["metadata"] == {"message_key": str(message.idempotency_key)}
    assert params["tags"] == ["marketing"]
    assert params["subject"] == "Ana, du hast etwas vergessen"
    assert str(params["from"]) == "Trail & Co <hello@shop.example.com>"
    assert [str(a) for a in params["reply_to"]] == ["help@shop.example.com"]
    assert "2 &times; 1.234,50\xa0€" in params["html_body"]
    assert "Hauptstraße 1, 10115 Berlin" in params["html_body"]
    assert "2 × 1.234,50\xa0€" in params["text_body"]
    headers = params["extra_headers"]
    assert headers["List-Unsubscribe"].startswith(f"<{settings.APP_BASE_URL}/u/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["X-Message-Key"] == str(message.idempotency_key)

    message.refresh_from_db()
    # The test backend's id is the message's place in its outbox.
    assert message.provider_message_id == str(sent.anymail_status.message_id) == "0"
    assert (message.status, message.sent_at, message.error) == ("sent", message.sent_at, "")
    # What went out is kept for audit and "view in browser".
    assert message.language == "de"
    assert message.subject == params["subject"]
    assert message.preheader == "Dein Warenkorb wartet"
    assert message.body_html == params["html_body"]
    assert message.body_text == params["text_body"]
    assert Message.objects.filter(provider_message_id="0").get() == message


def test_recovery_link_is_a_signed_redirect_to_the_storefront(contact, store):
    message = queued_email(contact)
    message_send(message.pk, now=NOW)
    message.refresh_from_db()
    prefix = f'href="{settings.APP_BASE_URL}/r/'
    start = message.body_html.index(prefix) + len(prefix)
    token = message.body_html[start : message.body_html.index('"', start)]
    target = tracked_link_read(token)
    assert (target.message_id, target.url) == (
        message.pk,
        "https://shop.example.com/checkout?token=4b2c-token",
    )
    assert "shop.example.com/checkout" not in message.body_html


def test_rendered_at_send_time_with_what_pre_render_receivers_add(contact, store):
    message = queued_email(contact, voucher=None)

    def fresh_voucher(sender, message, render_context, **kwargs):
        render_context["context"]["voucher"] = {"code": "SA-FRESH", "discount": "5%"}

    pre_render.connect(fresh_voucher, dispatch_uid="test-fresh-voucher")
    try:
        email_settings_update(installation=contact.installation, postal_address="Neue Str. 2")
        message_send(message.pk, now=NOW)
    finally:
        pre_render.disconnect(dispatch_uid="test-fresh-voucher")
    html = mail.outbox[0].anymail_test_params["html_body"]
    assert "SA-FRESH" in html and "Neue Str. 2" in html


def test_content_that_does_not_render_fails_the_message_and_never_raises(contact, store):
    broken = {"subject": "Hi", "mjml": "<mj-section>\n{% if voucher %}</mj-section>"}
    message = queued_email(contact, content=broken)
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error.startswith(f"{RENDER_FAILED}: mjml, line 2: Unclosed tag")
    assert mail.outbox == []
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED  # and stays failed


def test_a_stored_render_context_of_a_foreign_shape_fails_the_message(contact, store):
    message = queued_email(contact)
    Message.objects.filter(pk=message.pk).update(render_context={"contact": ["?"]})
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED
    assert Message.objects.get(pk=message.pk).error.startswith(f"{RENDER_FAILED}: render_context")


def test_a_suppressed_address_is_skipped_with_the_reason(contact, store):
    suppression_add(contact.installation_id, "email", contact.email.upper(), "unsubscribed")
    message = queued_email(contact)
    assert message_send(message.pk, now=NOW) == MessageStatus.SKIPPED
    message.refresh_from_db()
    assert (message.status, message.error) == (MessageStatus.SKIPPED, SUPPRESSED)
    assert mail.outbox == []
    # An unsubscribe stops marketing only: a transactional email still goes.
    receipt = queued_email(contact, marketing=False)
    assert message_send(receipt.pk, now=NOW) == MessageStatus.SENT


def test_a_repeated_send_task_sends_once(contact, store):
    message = queued_email(contact)
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    assert len(mail.outbox) == 1


class WorkerKilled(BaseException):
    """The process dies (SIGKILL, OOM): nothing after the call runs, no except catches it."""


def test_a_crash_after_the_provider_call_never_sends_again(contact, store):
    message = queued_email(contact)
    real_send = email_channel.send

    def send_then_die(message):
        real_send(message)
        raise WorkerKilled

    with mock.patch.object(email_channel, "send", send_then_die), pytest.raises(WorkerKilled):
        message_send(message.pk, now=NOW)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED_UNKNOWN
    assert message_send(message.pk, now=NOW) == MessageStatus.FAILED_UNKNOWN
    assert len(mail.outbox) == 1


def test_an_esp_error_fails_the_message(contact, store):
    from anymail.exceptions import AnymailAPIError

    message = queued_email(contact)
    with mock.patch.object(
        email_channel, "email_send", side_effect=AnymailAPIError("400 Bad Request\nto=ana@x")
    ):
        assert message_send(message.pk, now=NOW) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.error == "AnymailAPIError: 400 Bad Request"


def test_transactional_email_has_no_unsubscribe(contact, store):
    message = queued_email(contact, marketing=False)
    message_send(message.pk, now=NOW)
    params = mail.outbox[0].anymail_test_params
    assert "List-Unsubscribe" not in params["extra_headers"]
    assert params["tags"] == ["transactional"]
    assert "/u/" not in params["html_body"] and "Hauptstraße 1" in params["html_body"]


def test_a_message_without_content_goes_as_its_producer_wrote_it(contact, store):
    (message,) = messages_queue(
        [
            Message(
                installation_id=contact.installation_id,
                contact=contact,
                channel="email",
                idempotency_key=uuid.uuid4(),
                to_address=contact.email,
                subject="Plain",
                body_text="As written",
                created_at=NOW,
            )
        ]
    )
    message_send(message.pk, now=NOW)
    params = mail.outbox[0].anymail_test_params
    assert (params["subject"], params["text_body"]) == ("Plain", "As written")
    assert "html_body" not in params


def test_send_a_test_message_to_an_address(installation, store):
    provider_id = message_test_send(
        installation_id=installation.pk, content=CART, to_address="writer@shop.example.com"
    )
    (sent,) = mail.outbox
    params = sent.anymail_test_params
    assert provider_id == "0"
    assert params["subject"] == "[Test] Alex, you left something behind"
    assert [str(a) for a in params["to"]] == ["writer@shop.example.com"]
    assert params["tags"] == ["test"] and "metadata" not in params
    assert "Sample product" in params["html_body"]
    assert 'href="#"' in params["html_body"]  # footer links go nowhere
    assert "List-Unsubscribe" not in params.get("extra_headers", {})
    assert not Message.objects.exists()


def test_preview_is_pure_and_renders_for_any_context(installation, store):
    profile = email_profile(installation.pk)
    preview = message_preview(
        CART, render_context(language="de", country="DE", currency="EUR"), profile=profile
    )
    assert isinstance(preview, RenderedEmail)
    assert preview.language == "de" and "Hauptstraße 1" in preview.html
    # Untracked in a preview: the storefront link itself.
    assert 'href="https://shop.example.com/checkout?token=4b2c-token"' in preview.html
    sample = message_preview(CART, sample_render_context("en"))
    assert "Sample product" in sample.html and "Hauptstraße" not in sample.html
    sms = message_preview({"text": "Hi {{ first_name }}"}, sample_render_context(), channel="sms")
    assert sms == RenderedSms("", "Hi Alex")


def test_email_profile_falls_back_to_the_deployment_defaults(installation, settings):
    settings.EMAIL_POSTAL_ADDRESS = "Deployment Street 9"
    settings.DEFAULT_FROM_EMAIL = "default@example.com"
    installation.shop_name = "Shop Name"
    installation.save()
    profile = email_profile(installation.pk)
    assert (profile.from_name, profile.from_email, profile.reply_to) == (
        "Shop Name",
        "default@example.com",
        "",
    )
    assert profile.postal_address == "Deployment Street 9"
    assert profile.from_header == "Shop Name <default@example.com>"
    email_settings_update(installation=installation, from_email="own@shop.example.com")
    assert email_profile(installation.pk).from_email == "own@shop.example.com"
    email_settings_update(installation=installation, from_email="")
    assert email_profile(installation.pk).from_email == "default@example.com"


@pytest.mark.parametrize(
    "fields",
    [
        {"checkout_url": "https://shop.example.com/checkout"},
        {"checkout_url": "javascript:alert(1)//{token}"},
        {"from_email": "not an address"},
        {"colour": "red"},
    ],
)
def test_email_settings_are_checked(installation, fields):
    with pytest.raises(ValidationError):
        email_settings_update(installation=installation, **fields)


def test_a_flow_send_node_queues_a_message_whose_send_renders_the_template(
    installation, store, eager, django_capture_on_commit_callbacks
):
    from tests.flows.db_fixtures import make_contact

    person = make_contact(installation, language_code="DE_DE", country="DE", first_name="Jonas")
    cart = Checkout(
        installation=installation,
        saleor_id="Q2hlY2tvdXQ6MQ==",
        token="4b2c-token",
        currency="EUR",
        total_gross=Decimal("2469.00"),
        subtotal_gross=Decimal("2469.00"),
        quantity=2,
        lines=checkout("EUR")["checkout"]["lines"],
    )
    flow = make_flow(installation, chain(("s1", "send_email", {"message": CART}), exit_()))
    enrollment = enrollment_start(
        flow=flow, contact=person, entry_key="k1", context=checkout_context(cart), now=NOW
    )
    # The send re-reads the checkout from Saleor (flows/sending.py): unchanged there.
    live = RecoveryCheckout.model_validate(
        {
            "id": cart.saleor_id,
            "token": cart.token,
            "channel": {"slug": "default-channel", "currencyCode": "EUR"},
            "totalPrice": {"gross": {"amount": "2469.00", "currency": "EUR"}},
            "lines": [
                {
                    "quantity": line["quantity"],
                    "undiscountedUnitPrice": {"amount": line["unit_price"], "currency": "EUR"},
                    "totalPrice": {"gross": {"amount": line["total_price"], "currency": "EUR"}},
                    "variant": {
                        "id": line["variant_id"],
                        "name": line["variant_name"],
                        "quantityAvailable": 5,
                        "product": {
                            "id": line["product_id"],
                            "name": line["product_name"],
                            "thumbnail": {"url": line["thumbnail_url"]},
                        },
                    },
                }
                for line in cart.lines
            ],
        }
    )
    reread = mock.patch("saleor_automation.flows.sending.checkout_for_recovery", return_value=live)
    with reread, django_capture_on_commit_callbacks(execute=True):
        assert engine.enrollment_advance(enrollment.pk, NOW)
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT
    assert message.content == CART
    assert message.render_context["contact"]["language"] == "DE_DE"
    assert message.render_context["timezone"] == "Europe/Berlin"
    assert message.language == "de"
    assert message.subject == "Jonas, du hast etwas vergessen"
    (sent,) = mail.outbox
    html = sent.anymail_test_params["html_body"]
    assert "Hallo Jonas," in html
    assert '<img alt="Trail Runner"' in html and "2 &times; 1.234,50\xa0€" in html
    assert f"{settings.APP_BASE_URL}/r/" in html
    assert sent.anymail_test_params["metadata"]["message_key"] == str(message.idempotency_key)


def test_sms_content_is_rendered_at_send_time_and_dispatched_to_the_sms_channel(
    contact, sms_outbox
):
    content = {"default_language": "en", "variants": {"en": {"text": "Hi {{ first_name }}!"}}}
    (message,) = messages_queue(
        [
            Message(
                installation_id=contact.installation_id,
                contact=contact,
                node_id="s2",
                channel="sms",
                idempotency_key=uuid.uuid4(),
                to_address="+33612345678",
                content=content,
                render_context=render_context(first_name="Zoé"),
                created_at=NOW,
            )
        ]
    )
    assert message_send(message.pk, now=NOW) == MessageStatus.SENT
    (sms,) = sms_outbox
    assert sms.body == "Hi Zoé!"
    message.refresh_from_db()
    assert (message.body_text, message.language) == ("Hi Zoé!", "en")
    assert message.provider_message_id
    assert mail.outbox == []
