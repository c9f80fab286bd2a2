"""Signal wiring of the SMS layer: each verified webhook event to sms_event_apply. Connected
by importing this module from AppConfig.ready()."""

from typing import Any

from django.dispatch import receiver

from .services import sms_event_apply
from .signals import sms_tracking
from .status import SmsTrackingEvent


@receiver(sms_tracking, dispatch_uid="messaging.sms.apply")
def sms_tracking_apply(sender: type, event: SmsTrackingEvent, **kwargs: Any) -> None:
    sms_event_apply(event)
