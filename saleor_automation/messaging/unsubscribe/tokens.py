"""Unsubscribe tokens: signed, never expiring, bound to one message and its address.

A token is django.core.signing over [installation id, message id, channel, address hash]
with its own salt, so a link keeps working for as long as the key it was signed with is
SECRET_KEY or one of SECRET_KEY_FALLBACKS, and nobody can make one for another message or
address. The address itself is not in the token (the token is readable base64 in a URL that
proxies and mail scanners log): only a keyed hash of it, checked against the message when
the link is used, so a message whose address was changed cannot unsubscribe the new one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import Message
from ..suppression import address_normalise

SALT = "saleor_automation.messaging.unsubscribe"
_HASH_SALT = "saleor_automation.messaging.unsubscribe.address"


class InvalidToken(Exception):
    """The token is malformed, forged or names something that is gone."""


@dataclass(frozen=True)
class UnsubscribeSubject:
    """What a valid token stands for: the message and the normalised address it went to."""

    message: Message
    channel: str
    address: str


def _address_hash(channel: str, address: str, secret: str | None = None) -> str:
    # Keyed, so the readable token holds no dictionary-searchable hash of an email address.
    value = address_normalise(channel, address)
    digest = salted_hmac(_HASH_SALT, value, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:20]


def _address_matches(channel: str, address: str, address_hash: str) -> bool:
    """Against the current key and every fallback: the signature of a link made before a
    SECRET_KEY rotation is still accepted through SECRET_KEY_FALLBACKS, so its hash must be."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(_address_hash(channel, address, secret), address_hash)
        for secret in secrets
    )


def unsubscribe_token(message: Message) -> str:
    """The token of `message` (the same one every time: links in resent copies agree)."""
    return message_token(message, SALT)


def unsubscribe_token_read(token: str) -> UnsubscribeSubject:
    """Verify a token and load its message; raises InvalidToken."""
    return message_token_read(token, SALT)


def message_token(message: Message, salt: str) -> str:
    """A token for `message` and its address, signed with `salt`: each kind of link (an
    unsubscribe, a consent confirmation) has its own, so one cannot stand in for another."""
    payload = [
        message.installation_id,
        message.pk,
        message.channel,
        _address_hash(message.channel, message.to_address),
    ]
    return signing.dumps(payload, salt=salt)


def message_token_read(token: str, salt: str) -> UnsubscribeSubject:
    """Verify a token made by message_token with `salt` and load its message; raises
    InvalidToken."""
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature as exc:
        raise InvalidToken("bad signature") from exc
    if not (isinstance(payload, list) and len(payload) == 4):
        raise InvalidToken("malformed payload")
    installation_id, message_id, channel, address_hash = payload
    message = Message.objects.filter(
        pk=message_id, installation_id=installation_id, channel=channel
    ).first()
    if message is None:
        raise InvalidToken("no such message")
    if not isinstance(address_hash, str) or not _address_matches(
        channel, message.to_address, address_hash
    ):
        raise InvalidToken("address changed")
    return UnsubscribeSubject(
        message=message,
        channel=channel,
        address=address_normalise(channel, message.to_address),
    )
