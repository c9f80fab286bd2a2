"""Sending a message's content to one address by hand, as a test, within a limit.

    send_test_reserve(*, installation_id, channel, now=None) -> SendTest
    sms_test_number(*, installation_id, to_address) -> str
    sms_test_send(*, installation_id, content, to_address, render_context=None) -> str

Email test sends are services.message_test_send. A test send is not an outbox message: no
contact, no consent or suppression check, no frequency cap, no tracked links, nothing in
the stats. What keeps it from being a way to send anything to anyone is the limit:
TEST_SEND_LIMIT per installation in any TEST_SEND_WINDOW, counted in the database so every
process sees the same count.
"""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..saleor.models import Installation
from .rendering import sample_render_context, sms_render
from .send_test_models import SendTest
from .sms.backends import get_backend
from .sms.backends.base import SmsMessage
from .sms.exceptions import SmsApiError
from .sms.phone import phone_normalise
from .sms.services import sms_config_get
from .sms.settings import get_messaging_setting

__all__ = [
    "TEST_SEND_LIMIT",
    "TEST_SEND_WINDOW",
    "send_test_reserve",
    "sms_test_number",
    "sms_test_send",
]

logger = logging.getLogger(__name__)

TEST_SEND_LIMIT = 20
TEST_SEND_WINDOW = timedelta(hours=1)
TEST_PREFIX = "[Test] "


class SendTestLimitReached(ValidationError):
    """The installation sent TEST_SEND_LIMIT tests in the last TEST_SEND_WINDOW."""


def send_test_reserve(
    *, installation_id: int, channel: str, now: datetime | None = None
) -> SendTest:
    """Count one test send against the installation's limit, or raise SendTestLimitReached.
    Call it outside a transaction: the count commits before the send (an external call),
    and a send that then fails still counts, so retrying cannot get round the limit.
    Concurrent callers queue on the installation row, so the limit is never overrun."""
    now = now or timezone.now()
    with transaction.atomic():
        Installation.objects.select_for_update().filter(pk=installation_id).first()
        recent = SendTest.objects.filter(
            installation_id=installation_id, created_at__gt=now - TEST_SEND_WINDOW
        ).count()
        if recent >= TEST_SEND_LIMIT:
            minutes = int(TEST_SEND_WINDOW.total_seconds() // 60)
            raise SendTestLimitReached(
                f"At most {TEST_SEND_LIMIT} test sends in {minutes} minutes: try again later.",
                code="rate_limited",
            )
        return SendTest.objects.create(
            installation_id=installation_id, channel=channel, created_at=now
        )


def sms_test_number(*, installation_id: int, to_address: str) -> str:
    """`to_address` in E.164, read in the store's default region (then the deployment's)
    when it has no +country code. Raises SmsInvalidNumber."""
    config = sms_config_get(installation_id=installation_id)
    region = config.default_region or get_messaging_setting("sms_default_region", default="")
    return phone_normalise(to_address, region.upper())


def sms_test_send(
    *,
    installation_id: int,
    content: Mapping[str, Any],
    to_address: str,
    render_context: Mapping[str, Any] | None = None,
) -> str:
    """Send SMS content to one number now, as the store's sender would: rendered with
    `render_context` (default: sample data), prefixed "[Test] ", links untracked, no
    delivery reports. Returns the provider's message id; raises RenderError for content that
    does not render, SmsInvalidNumber for a number that cannot be read, and the backend's
    error when nothing went out."""
    rendered = sms_render(
        content, render_context if render_context is not None else sample_render_context()
    )
    config = sms_config_get(installation_id=installation_id)
    backend = get_backend()
    sms = SmsMessage(
        to=sms_test_number(installation_id=installation_id, to_address=to_address),
        body=f"{TEST_PREFIX}{rendered.text}",
        sender=config.sender or None,
    )
    backend.send_messages([sms])
    result = sms.send_result
    if result is None or not result.message_id:
        raise SmsApiError(f"{backend.provider_name} gave no message id")
    logger.info("test sms of installation %s sent", installation_id)
    return result.message_id
