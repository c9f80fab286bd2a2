"""Signal wiring for flows: each receiver delegates in one line. Connected by importing
this module from AppConfig.ready().

Goals run before triggers for the same event, so an order first ends what it converts and
only then starts what it triggers.
"""

from datetime import datetime
from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from ..contacts.models import Contact
from ..contacts.signals import contact_merged, event_applied
from ..messaging.confirm.models import ConsentConfirmation
from ..messaging.models import Message, MessageEvent
from ..messaging.signals import consent_confirmed, message_event_recorded, pre_render, pre_send
from ..saleor import payloads
from ..saleor.models import Installation
from .actions.voucher import order_event_vouchers_apply
from .goals import event_goals_apply
from .nodes.wait import CONSENT_CONFIRMED_KIND, message_kind
from .sending import message_render_context_refresh, message_send_check
from .services import enrollments_notify
from .triggers.events import event_triggers_apply
from .triggers.lifecycle import contact_flow_state_erase, contact_flow_state_merge


@receiver(event_applied, dispatch_uid="flows.goals")
def event_goals(
    sender: type,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    **kwargs: Any,
) -> None:
    event_goals_apply(installation=installation, event=event, contact=contact)


@receiver(event_applied, dispatch_uid="flows.vouchers")
def event_vouchers(
    sender: type,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    **kwargs: Any,
) -> None:
    order_event_vouchers_apply(installation=installation, event=event)


@receiver(event_applied, dispatch_uid="flows.triggers")
def event_triggers(
    sender: type,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    **kwargs: Any,
) -> None:
    event_triggers_apply(installation=installation, event=event, contact=contact)


@receiver(contact_merged, dispatch_uid="flows.merge")
def contact_merge(sender: type, source: Contact, target: Contact, **kwargs: Any) -> None:
    contact_flow_state_merge(source=source, target=target)


@receiver(pre_delete, sender=Contact, dispatch_uid="flows.erase")
def contact_delete(sender: type, instance: Contact, **kwargs: Any) -> None:
    contact_flow_state_erase(contact=instance)


@receiver(pre_send, sender=Message, dispatch_uid="flows.send_check")
def message_pre_send(sender: type, message: Message, **kwargs: Any) -> None:
    message_send_check(message)


@receiver(message_event_recorded, sender=MessageEvent, dispatch_uid="flows.message_events")
def message_event(sender: type, message: Message, event: MessageEvent, **kwargs: Any) -> None:
    enrollments_notify(
        installation=message.installation,
        contact_id=message.contact_id,
        kind=message_kind(event.kind),
        match={"node": message.node_id},
        at=event.occurred_at,
    )


@receiver(pre_render, sender=Message, dispatch_uid="flows.render_context")
def message_pre_render(
    sender: type, message: Message, render_context: dict[str, Any], **kwargs: Any
) -> None:
    message_render_context_refresh(message, render_context)


@receiver(consent_confirmed, sender=ConsentConfirmation, dispatch_uid="flows.consent_confirmed")
def consent_confirmation(
    sender: type, message: Message, contact_id: int, confirmed_at: datetime, **kwargs: Any
) -> None:
    enrollments_notify(
        installation=message.installation,
        contact_id=contact_id,
        kind=CONSENT_CONFIRMED_KIND,
        match={},
        at=confirmed_at,
    )
