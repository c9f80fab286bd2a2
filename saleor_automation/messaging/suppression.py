"""Who must not be written to, checked on the send path.

    address_normalise(channel, address) -> str
    is_suppressed(installation_id, channel, address, *, marketing=True) -> bool
    suppression_add(installation_id, channel, address, reason, *, source="", contact_id=None)
        -> bool
    suppression_remove(installation_id, channel, address, reasons=None, *, source="",
        contact_id=None) -> int
    suppression_reasons(installation_id, channel, address) -> set[str]
    suppression_send_check(message) -> None   (raises CancelSend; messaging.services calls it)

Policy (REASON_SCOPE): an unsubscribe or a spam complaint stops marketing at once and lets
transactional messages (receipts, password resets) through, as CAN-SPAM and RFC 8058 allow:
the recipient opted out of promotion, not of the service. A hard bounce stops everything (the
address does not exist, and repeated bounces hurt the sender's reputation), and so do an
operator's manual block and an SMS STOP (carriers treat STOP as an opt-out from the sender).
"""

import re

from django.db import IntegrityError, transaction

from .models import Message, MessageChannel
from .signals import CancelSend, suppression_changed
from .suppression_models import Suppression, SuppressionReason, SuppressionScope

REASON_SCOPE: dict[str, str] = {
    SuppressionReason.UNSUBSCRIBED: SuppressionScope.MARKETING,
    SuppressionReason.COMPLAINT: SuppressionScope.MARKETING,
    SuppressionReason.HARD_BOUNCE: SuppressionScope.ALL,
    SuppressionReason.MANUAL: SuppressionScope.ALL,
    SuppressionReason.SMS_STOP: SuppressionScope.ALL,
}

SUPPRESSED = "the address is suppressed"

_PHONE_NOISE = re.compile(r"[\s().\-/]")


def address_normalise(channel: str, address: str) -> str:
    """The form addresses are stored and compared in: an email lower-cased and stripped (as
    contacts store it); a phone without spaces, dashes or brackets, "00" read as "+"."""
    address = (address or "").strip()
    if channel == MessageChannel.SMS:
        phone = _PHONE_NOISE.sub("", address)
        if phone.startswith("00"):
            phone = "+" + phone[2:]
        return phone
    return address.lower()


def is_suppressed(
    installation_id: int, channel: str, address: str, *, marketing: bool = True
) -> bool:
    """Whether a message may not go to `address`: one indexed query (the unique constraint's
    leading columns). A transactional message (marketing=False) is blocked only by the
    reasons that stop everything."""
    rows = Suppression.objects.filter(
        installation_id=installation_id,
        channel=channel,
        address=address_normalise(channel, address),
    )
    if not marketing:
        rows = rows.filter(scope=SuppressionScope.ALL)
    return rows.exists()


def suppression_add(
    installation_id: int,
    channel: str,
    address: str,
    reason: str,
    *,
    source: str = "",
    contact_id: int | None = None,
) -> bool:
    """Suppress `address` for `reason`; True when it was not suppressed for it already.
    Idempotent: a second call (a repeated one-click POST, a redelivered ESP event) changes
    nothing and sends no signal."""
    if reason not in REASON_SCOPE:
        raise ValueError(f"unknown suppression reason {reason!r}")
    normalised = address_normalise(channel, address)
    if not normalised:
        return False
    try:
        # A savepoint: a concurrent insert of the same row must not break the caller's
        # transaction.
        with transaction.atomic():
            _, created = Suppression.objects.get_or_create(
                installation_id=installation_id,
                channel=channel,
                address=normalised,
                reason=reason,
                defaults={"scope": REASON_SCOPE[reason], "source": source[:64]},
            )
    except IntegrityError:
        created = False
    if created:
        suppression_changed.send(
            sender=Suppression,
            installation_id=installation_id,
            channel=channel,
            address=normalised,
            reason=reason,
            source=source,
            suppressed=True,
            contact_id=contact_id,
        )
    return created


def suppression_remove(
    installation_id: int,
    channel: str,
    address: str,
    reasons: list[str] | None = None,
    *,
    source: str = "",
    contact_id: int | None = None,
) -> int:
    """Lift the suppressions of `address` for `reasons` (default: the recipient's own opt-outs,
    unsubscribed and sms_stop; a hard bounce or a manual block is lifted only by naming it).
    Returns how many rows went; the signal is sent once per lifted reason."""
    reasons = reasons or [SuppressionReason.UNSUBSCRIBED, SuppressionReason.SMS_STOP]
    normalised = address_normalise(channel, address)
    rows = Suppression.objects.filter(
        installation_id=installation_id, channel=channel, address=normalised, reason__in=reasons
    )
    lifted = list(rows.values_list("reason", flat=True))
    if not lifted:
        return 0
    rows.delete()
    for reason in lifted:
        suppression_changed.send(
            sender=Suppression,
            installation_id=installation_id,
            channel=channel,
            address=normalised,
            reason=reason,
            source=source,
            suppressed=False,
            contact_id=contact_id,
        )
    return len(lifted)


def suppression_reasons(installation_id: int, channel: str, address: str) -> set[str]:
    """The reasons `address` is suppressed for (the preferences page shows them)."""
    return set(
        Suppression.objects.filter(
            installation_id=installation_id,
            channel=channel,
            address=address_normalise(channel, address),
        ).values_list("reason", flat=True)
    )


def suppression_send_check(message: Message) -> None:
    """Raise CancelSend when `message` must not go to its address (run on the send path,
    right before the channel is called)."""
    if is_suppressed(
        message.installation_id, message.channel, message.to_address, marketing=message.marketing
    ):
        raise CancelSend(SUPPRESSED)


# What an operator may lift: their own blocks and bounces. Unsubscribes, complaints and SMS
# STOPs are the recipient's decision; only the recipient undoes them (preferences page,
# START).
OPERATOR_LIFTABLE = frozenset({SuppressionReason.MANUAL, SuppressionReason.HARD_BOUNCE})
