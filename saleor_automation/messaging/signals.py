"""Signals of the messaging layer (anymail's pre_send pattern).

`pre_send(sender=Message, message=...)` runs right before a queued message is handed to its
channel, after it was claimed; a receiver raises `CancelSend(reason)` to skip it. Layers
above (contacts, flows) check consent and flow state this way, so messaging imports none
of them.
"""

from django.dispatch import Signal

pre_send = Signal()


class CancelSend(Exception):
    """Raised by a pre_send or pre_render receiver: the message is skipped with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeferSend(Exception):
    """Raised by a pre_send or pre_render receiver when what the message needs cannot be
    read now (Saleor unreachable): the message stays queued and is tried again later, with
    a growing delay (services.DEFER_*); one that waited too long is skipped with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# `suppression_changed(sender=Suppression, installation_id, channel, address, reason, source,
# suppressed, contact_id)` after a suppression row was written (suppressed=True) or lifted
# (False), inside the caller's transaction; only when something changed, so a repeated
# unsubscribe sends it once. `contact_id` is None when the caller did not know the contact
# (an ESP event, an SMS STOP): receivers find it by address. Contacts records the consent
# change this way; messaging knows nothing of consent.
suppression_changed = Signal()

# `message_event_recorded(sender=MessageEvent, message, event)` after a MessageEvent row was
# stored (a tracking webhook, a click through the redirect), inside the transaction that
# stored it; never for a duplicate. Flows wakes waits on message events this way.
message_event_recorded = Signal()

# `pre_render(sender=Message, message, render_context)` at send time, right before the
# message's content is rendered (after pre_send allowed it). `render_context` is a copy of
# the one stored at queue time; receivers may update it in place with fresher data (flows:
# the enrollment's context as it is now, e.g. a voucher created after the message was
# queued). What is rendered is stored on the message, so the audit shows what was sent.
# Like pre_send, a receiver may raise CancelSend (the data the message is about is gone) or
# DeferSend (it cannot be read now).
pre_render = Signal()

# `consent_confirmed(sender=ConsentConfirmation, installation_id, contact_id, message,
# confirmed_at, source)` after a recipient confirmed their subscription through the link of
# a confirmation email (double opt-in), inside the transaction that stored it; once per
# link, so a repeated confirmation sends nothing. Contacts records the consent and flows
# wakes the waits for it; messaging knows nothing of either.
consent_confirmed = Signal()
