"""Suppressing and unsuppressing addresses by hand."""

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError

from ...messaging.suppression import (
    OPERATOR_LIFTABLE,
    address_normalise,
    suppression_add,
    suppression_reasons,
    suppression_remove,
)
from ..context import Info
from ..messages.types import MessageChannelEnum
from ..permissions import WRITE
from .types import SuppressionReasonEnum, SuppressionState


def _source(info: Info) -> str:
    """Where a change came from, for the suppression row and its signal (no personal data)."""
    principal = info.context.principal
    return f"api_key:{principal.api_key.prefix}" if principal.api_key else "dashboard"


def _state(
    info: Info, channel: MessageChannelEnum, address: str, changed: bool
) -> SuppressionState:
    installation_id = info.context.installation.pk
    reasons = suppression_reasons(installation_id, channel.value, address)
    return SuppressionState(
        channel=channel,
        address=address_normalise(channel.value, address),
        reasons=[SuppressionReasonEnum(r) for r in sorted(reasons)],
        changed=changed,
    )


def _address(channel: MessageChannelEnum, address: str) -> str:
    if not address_normalise(channel.value, address):
        raise ValidationError({"address": "An address is required."}, code="required")
    return address


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def suppress(
        self,
        info: Info,
        channel: MessageChannelEnum,
        address: str,
        reason: SuppressionReasonEnum = SuppressionReasonEnum.MANUAL,
    ) -> SuppressionState:
        """Stop writing to an address (default reason "manual": nothing goes to it)."""
        address = _address(channel, address)
        changed = suppression_add(
            info.context.installation.pk, channel.value, address, reason.value, source=_source(info)
        )
        return _state(info, channel, address, changed)

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def unsuppress(
        self,
        info: Info,
        channel: MessageChannelEnum,
        address: str,
        reasons: list[SuppressionReasonEnum],
    ) -> SuppressionState:
        """Lift the named reasons only; the others stay (a hard bounce is not lifted by
        lifting a manual block)."""
        address = _address(channel, address)
        if not reasons:
            raise ValidationError({"reasons": "Name at least one reason."}, code="required")
        refused = sorted(r.value for r in reasons if r.value not in OPERATOR_LIFTABLE)
        if refused:
            raise ValidationError(
                {"reasons": f"Only the recipient can undo {', '.join(refused)}."},
                code="not_liftable",
            )
        lifted = suppression_remove(
            info.context.installation.pk,
            channel.value,
            address,
            [r.value for r in reasons],
            source=_source(info),
        )
        return _state(info, channel, address, lifted > 0)
