"""Applying one parsed Saleor event: the dispatch from event type to service.

    event_apply(installation, event, *, inbox_event_id=None) -> ApplyResult

Runs inside the caller's transaction (the inbox gives each row its own savepoint) and sends
`signals.event_applied` for every event it applied, stale ones included: the event happened
even when a newer state of its object is already mirrored.
"""

from datetime import datetime

from django.db import transaction

from ..saleor import installations, payloads
from ..saleor.models import Installation
from .services import (
    ApplyResult,
    checkout_apply,
    customer_apply,
    customer_email_change,
    normalise_email,
    order_apply,
    person_erase,
)
from .signals import event_applied


def _missing(event: payloads.Event, field: str) -> ApplyResult:
    """Saleor nulls an object it may not show (a missing permission) and says why."""
    why = "; ".join(error.message for error in event.errors)[:300]
    return ApplyResult(ignored=f"payload has no {field}" + (f" ({why})" if why else ""))


def _apply(installation: Installation, event: payloads.Event) -> ApplyResult:
    issued_at = event.issued_at
    match event:
        case payloads.CheckoutEvent(checkout=None):
            return _missing(event, "checkout")
        case payloads.CheckoutEvent(checkout=checkout):
            return checkout_apply(installation, checkout, issued_at=issued_at)
        case payloads.OrderEvent(order=None):
            return _missing(event, "order")
        case payloads.OrderEvent(order=order):
            return order_apply(installation, order, issued_at=issued_at)
        case payloads.CustomerEvent(user=None) | payloads.AccountConfirmed(user=None):
            return _missing(event, "user")
        case payloads.CustomerEvent(user=user) | payloads.AccountConfirmed(user=user):
            return customer_apply(installation, user, issued_at=issued_at)
        case payloads.CustomerDeleted(user=None) | payloads.AccountDeleted(user=None):
            return _missing(event, "user")
        case payloads.CustomerDeleted(user=user) | payloads.AccountDeleted(user=user):
            return person_erase(
                installation,
                user_id=user.id,
                email=normalise_email(user.email),
                issued_at=issued_at,
            )
        case payloads.AccountEmailChanged(user=None):
            return _missing(event, "user")
        case payloads.AccountEmailChanged(user=user, new_email=new_email):
            return customer_email_change(
                installation, user_id=user.id, new_email=new_email, issued_at=issued_at
            )
        case payloads.AppDeleted(app=None) | payloads.AppStatusChanged(app=None):
            return _missing(event, "app")
        case payloads.AppDeleted(app=app):
            if installations.installation_app_deleted(installation, app.id, issued_at):
                return ApplyResult()
            return ApplyResult(ignored="lifecycle event is stale or for a replaced app")
        case payloads.AppStatusChanged(app=app):
            if app.is_active is None:
                return _missing(event, "app.isActive")
            deactivated_at = installation.deactivated_at
            if installations.installation_status_changed(
                installation, app.id, app.is_active, issued_at
            ):
                if app.is_active and deactivated_at is not None:
                    reconcile_after_reactivation(installation, deactivated_at)
                return ApplyResult()
            return ApplyResult(ignored="lifecycle event is stale or for a replaced app")
    raise TypeError(f"no handler for {type(event).__name__}")


def reconcile_after_reactivation(installation: Installation, deactivated_at: datetime) -> None:
    """Saleor drops every event for an inactive app (PROTOCOL.md §2.5): once active again,
    re-read what changed meanwhile."""
    from .backfill import backfill_reconcile_start
    from .tasks import backfill_run_task  # tasks import the inbox, which imports this module

    run = backfill_reconcile_start(installation, deactivated_at)
    if run is not None:
        transaction.on_commit(lambda: backfill_run_task.delay(run.pk))


def is_own_echo(installation: Installation, event: payloads.Event) -> bool:
    """Caused by this app's own mutation (e.g. a metadata write): applying it would loop."""
    principal = event.issuing_principal
    return (
        principal is not None
        and principal.kind == "App"
        and bool(principal.id)
        and principal.id == installation.app_id
    )


def event_apply(
    installation: Installation, event: payloads.Event, *, inbox_event_id: int | None = None
) -> ApplyResult:
    """Apply one event to the mirrors and contacts, then tell the layers above."""
    if is_own_echo(installation, event):
        return ApplyResult(ignored="issued by this app")
    result = _apply(installation, event)
    if not result.ignored:
        event_applied.send(
            sender=type(event),
            installation=installation,
            event=event,
            contact=result.contact,
            inbox_event_id=inbox_event_id,
        )
    return result
