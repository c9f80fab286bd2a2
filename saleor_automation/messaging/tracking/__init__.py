"""Tracking: what happened to a message after it left.

    events.message_event_record(message, kind, *, occurred_at, dedupe_key="", data=None)
    status.message_status_advance(message_id, kind, *, at)
    esp.esp_event_record(event, *, esp_name, now=None)   (anymail's tracking signal)
    urls: the ESPs' webhook URLs, mounted under webhooks/esp/

Clicks through the app's own redirect are recorded by messaging.links.
"""
