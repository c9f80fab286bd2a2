"""Signals of the SMS layer: how the layers above learn what came back from the provider.

`sms_tracking(sender=<webhook view class>, event=SmsTrackingEvent, provider="twilio")`
    once per normalised event of a verified webhook (a status callback, an inbound reply,
    an opt-out), inside one transaction per request, in anymail's `tracking` style.
    sms/receivers.py applies each event (sms_event_apply); a receiver that raises makes the
    webhook answer 500 and the provider retry, with nothing half stored.

`sms_consent_changed(sender=SmsTrackingEvent, installation_id, phone, opted_in, source,
occurred_at, provider_message_id)`
    when a recipient replied an opt-out keyword (STOP..., opted_in=False) or an opt-in one
    (START..., True) to the store's sender; `phone` is E.164, `source` "sms:twilio". Sent for
    every such reply, after the suppression list was updated and in the same transaction,
    even when the list already said so: each reply is the person's latest word on consent.
    A provider's retry repeats it with the same provider_message_id, so receivers must be
    idempotent (record the latest state, not a toggle). Contacts records SMS consent this
    way; messaging knows nothing of contacts.
"""

from django.dispatch import Signal

__all__ = ["sms_consent_changed", "sms_tracking"]

sms_tracking = Signal()
sms_consent_changed = Signal()
