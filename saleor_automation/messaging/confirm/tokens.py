"""Confirmation tokens: signed like unsubscribe tokens (never expiring, bound to one message
and a keyed hash of its address), with their own salt so that neither link can be used as
the other."""

from ..models import Message
from ..unsubscribe.tokens import InvalidToken, UnsubscribeSubject, message_token, message_token_read

SALT = "saleor_automation.messaging.confirm"

__all__ = ["InvalidToken", "confirm_token", "confirm_token_read"]


def confirm_token(message: Message) -> str:
    return message_token(message, SALT)


def confirm_token_read(token: str) -> UnsubscribeSubject:
    """The message and address a token stands for; raises InvalidToken."""
    return message_token_read(token, SALT)
