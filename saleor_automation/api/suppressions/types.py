"""Addresses the store must not write to."""

import strawberry
import strawberry_django
from strawberry import auto, relay

from ...messaging.suppression_models import Suppression, SuppressionReason, SuppressionScope
from ..messages.types import MessageChannelEnum

SuppressionReasonEnum = strawberry.enum(SuppressionReason, name="SuppressionReason")
SuppressionScopeEnum = strawberry.enum(SuppressionScope, name="SuppressionScope")


@strawberry_django.type(Suppression, name="Suppression")
class SuppressionType(relay.Node):
    channel: MessageChannelEnum
    address: auto
    reason: SuppressionReasonEnum
    scope: SuppressionScopeEnum
    source: auto
    created_at: auto


@strawberry.type
class SuppressionState:
    """An address after a change: the reasons it is suppressed for now (empty: none)."""

    channel: MessageChannelEnum
    address: str
    reasons: list[SuppressionReasonEnum]
    changed: bool
