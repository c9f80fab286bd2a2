"""Signals of the messaging layer (anymail's pre_send pattern).

`pre_send(sender=Message, message=...)` runs right before a queued message is handed to its
channel, after it was claimed; a receiver raises `CancelSend(reason)` to skip it. Layers
above (contacts, flows) check consent and flow state this way, so messaging imports none
of them.
"""

from django.dispatch import Signal

pre_send = Signal()


class CancelSend(Exception):
    """Raised by a pre_send receiver: the message is skipped with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
