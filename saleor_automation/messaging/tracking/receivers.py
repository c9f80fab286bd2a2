"""Signal wiring of tracking: anymail's `tracking` signal (sent by the ESP webhook views) to
esp_event_record. Connected by importing this module from AppConfig.ready()."""

from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from .esp import esp_event_record


@receiver(tracking, dispatch_uid="messaging.tracking")
def anymail_tracking(
    sender: type, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    esp_event_record(event, esp_name=esp_name)
