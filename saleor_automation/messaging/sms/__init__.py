"""SMS, shaped like django-anymail's ESP backends (STYLE.md §1 and §7).

    channel.send(message) -> str         an outbox Message out; the provider's message id
    segments.sms_segments(text)          GSM-7/UCS-2 length and segments, for the editor
    phone.phone_normalise(number, region) E.164
    backends/                            BaseSmsBackend, console, test, twilio (SMS_BACKEND)
    webhooks/ + urls.py                  signed delivery reports and replies (STOP/START)
    services.py                          per-store sender, region and webhook key; events
    signals.py                           sms_tracking, sms_consent_changed

Nothing here imports the layers above messaging: they listen to the signals.
"""
