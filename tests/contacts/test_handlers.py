"""contacts/handlers.py: every event type applied, echoes and lifecycle events."""

import pytest

from saleor_automation.contacts.models import Checkout, Contact, ErasureTombstone, Order
from saleor_automation.saleor import payloads
from saleor_automation.saleor.models import InboxStatus

from .conftest import APP_ID, EMAIL, EVENT_TYPES, USER_ID, body, gid


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_event_type_is_applied(deliver, installation, applied, event_type):
    row = deliver(event_type)

    assert (row.status, row.last_error, row.attempts) == (InboxStatus.PROCESSED, "", 1)
    (call,) = applied
    assert call["sender"] is payloads.EVENT_CLASSES[event_type]
    assert call["installation"] == installation
    assert call["inbox_event_id"] == row.pk
    assert call["event"].event_type == event_type
    if event_type.startswith(("checkout_", "order_", "customer_", "account_")) and not (
        event_type.endswith("_deleted")
    ):
        assert call["contact"] == Contact.objects.get()
    else:
        assert call["contact"] is None


def test_objects_land_where_they_belong(deliver, installation):
    deliver("checkout_updated")
    deliver("order_created")
    deliver("customer_updated")
    contact = Contact.objects.get(installation=installation)
    assert contact.saleor_user_id == USER_ID and contact.email == EMAIL
    assert Checkout.objects.get().contact == contact
    assert Order.objects.get().contact == contact

    deliver("account_email_changed")
    contact.refresh_from_db()
    assert contact.email == "jane@doe.family"

    deliver("account_deleted")
    assert not Contact.objects.exists() and not Checkout.objects.exists()
    assert ErasureTombstone.objects.get().saleor_user_id == USER_ID


def test_echo_of_our_own_mutation_is_ignored(deliver, installation, applied):
    echo = body("customer_metadata_updated")
    echo["issuingPrincipal"] = {"__typename": "App", "id": installation.app_id}

    row = deliver("customer_metadata_updated", echo)

    assert row.status == InboxStatus.IGNORED
    assert row.last_error == "issued by this app"
    assert not Contact.objects.exists() and applied == []


def test_other_apps_and_users_are_not_echoes(deliver):
    other = body("customer_metadata_updated")
    other["issuingPrincipal"] = {"__typename": "App", "id": gid("App", 99)}
    assert deliver("customer_metadata_updated", other).status == InboxStatus.PROCESSED
    # A user whose id happens to equal our app id is not our app.
    user = body("customer_updated")
    user["issuingPrincipal"] = {"__typename": "User", "id": APP_ID}
    assert deliver("customer_updated", user).status == InboxStatus.PROCESSED


def test_object_hidden_by_permission_error_is_ignored_with_the_reason(deliver, applied):
    hidden = body("order_created")
    hidden["order"] = None
    hidden["errors"] = [{"message": "You need one of the following permissions: MANAGE_ORDERS"}]

    row = deliver("order_created", hidden)

    assert row.status == InboxStatus.IGNORED
    assert row.last_error == (
        "payload has no order (You need one of the following permissions: MANAGE_ORDERS)"
    )
    assert applied == []


def test_app_deleted_drops_the_installation_credentials(deliver, installation):
    row = deliver("app_deleted")
    installation.refresh_from_db()
    assert row.status == InboxStatus.PROCESSED
    assert installation.token == "" and not installation.is_active
    assert installation.uninstalled_at is not None


def test_app_status_changed_deactivates_then_reactivates(deliver, installation):
    deliver("app_status_changed")
    installation.refresh_from_db()
    assert not installation.is_active

    later = body("app_status_changed")
    later["issuedAt"] = "2026-09-06T08:30:00+00:00"
    later["app"]["isActive"] = True
    deliver("app_status_changed", later)
    installation.refresh_from_db()
    assert installation.is_active

    # The deactivation delivered again (older issuedAt) changes nothing.
    stale = body("app_status_changed")
    stale["issuedAt"] = "2026-09-05T08:30:01+00:00"
    assert deliver("app_status_changed", stale).status == InboxStatus.IGNORED
    installation.refresh_from_db()
    assert installation.is_active


def test_lifecycle_event_of_a_replaced_app_is_ignored(deliver, installation):
    old_app = body("app_deleted")
    old_app["app"]["id"] = gid("App", 3)
    row = deliver("app_deleted", old_app)
    installation.refresh_from_db()
    assert row.status == InboxStatus.IGNORED
    assert installation.is_active and installation.token


def test_a_failing_receiver_rolls_the_event_back(deliver, installation):
    from saleor_automation.contacts.signals import event_applied

    def receiver(sender, **kwargs):
        raise RuntimeError("flow engine down")

    event_applied.connect(receiver, weak=False)
    try:
        row = deliver("customer_created")
    finally:
        event_applied.disconnect(receiver)
    assert row.status == InboxStatus.PENDING and row.last_error == "RuntimeError: flow engine down"
    assert not Contact.objects.exists()
