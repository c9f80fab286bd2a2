"""Channels deliver one outbox message each, by its `channel`:

    channel_send(message) -> str      the provider's message id; raises when nothing went out

A channel is a module with `send(message) -> str`: "email" is channels/email.py (anymail),
"sms" is messaging/sms/channel.py (the configured SMS backend). Modules rather than their
functions are registered, so a test can patch `<module>.send`. console.py remains for
development (SMS printed to standard output).
"""

from types import ModuleType

from ..models import Message, MessageChannel
from ..sms import channel as sms_channel
from . import email

CHANNELS: dict[str, ModuleType] = {
    MessageChannel.EMAIL: email,
    MessageChannel.SMS: sms_channel,
}


def channel_send(message: Message) -> str:
    channel = CHANNELS.get(message.channel)
    if channel is None:
        raise ValueError(f"unknown channel {message.channel!r}")
    return channel.send(message)
