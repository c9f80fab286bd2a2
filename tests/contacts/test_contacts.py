"""contacts/services/contacts.py: one contact per person, merges, staff, profile updates."""

from datetime import UTC, datetime

from saleor_automation.contacts import selectors
from saleor_automation.contacts.models import Checkout, Contact, Order, StaffUser
from saleor_automation.contacts.signals import contact_merged
from saleor_automation.saleor.models import InboxStatus

from .conftest import EMAIL, USER_ID, body, gid


def test_guest_checkout_and_later_customer_are_one_contact(deliver, installation):
    guest = body("checkout_updated")
    guest["checkout"]["email"] = "  Jane.Doe@Example.COM "
    deliver("checkout_updated", guest)
    deliver("order_created")
    guest_contact = Contact.objects.get()
    assert guest_contact.email == EMAIL and not guest_contact.is_registered

    deliver("customer_created")

    contact = Contact.objects.get()
    assert contact.pk == guest_contact.pk
    assert contact.saleor_user_id == USER_ID and contact.date_joined is not None
    assert Checkout.objects.get().contact == contact and Order.objects.get().contact == contact
    assert contact.order_count == 1


def test_customer_first_then_guest_order_with_their_email(deliver):
    deliver("customer_updated")
    order = body("order_created")
    order["order"]["userEmail"] = "JANE.DOE@example.com"
    deliver("order_created", order)
    contact = Contact.objects.get()
    assert contact.saleor_user_id == USER_ID
    assert Order.objects.get().contact == contact and contact.order_count == 1


def test_profile_fields_come_from_the_customer(deliver):
    deliver("customer_updated")
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.language_code) == (
        "Jane",
        "Doe",
        "EN_US",
    )
    assert (contact.phone, contact.country, contact.city, contact.postal_code) == (
        "+15035550123",
        "US",
        "Portland",
        "97205",
    )
    assert (contact.birthday_year, contact.birthday_month, contact.birthday_day) == (1990, 4, 12)
    assert contact.marketing_consent is True
    assert contact.consent_changed_at == datetime(2026, 8, 23, 7, 15, 44, 208731, tzinfo=UTC)
    assert contact.is_active and contact.is_confirmed
    assert contact.profile_updated_at == datetime(2026, 8, 23, 7, 15, 44, 240019, tzinfo=UTC)


def test_consent_change_is_recorded_and_absent_consent_stays_unknown(deliver):
    created = deliver("customer_created")
    assert created.status == InboxStatus.PROCESSED
    contact = Contact.objects.get()
    assert contact.marketing_consent is None and contact.consent_changed_at is None

    deliver("customer_updated")
    deliver("customer_metadata_updated")  # consent "no", issued a day later
    contact.refresh_from_db()
    assert contact.marketing_consent is False
    assert contact.consent_changed_at == datetime(2026, 8, 24, 12, 1, 9, 530871, tzinfo=UTC)


def test_hidden_metadata_keeps_birthday_and_consent(deliver):
    deliver("customer_updated")
    hidden = body("customer_metadata_updated")
    hidden["user"]["metadata"] = None
    hidden["errors"] = [{"message": "denied"}]
    deliver("customer_metadata_updated", hidden)
    contact = Contact.objects.get()
    assert contact.marketing_consent is True and contact.birthday_month == 4


def test_an_older_customer_payload_never_overwrites_a_newer_one(deliver, applied):
    deliver("customer_updated")
    old = body("customer_created")
    old["user"]["lastName"] = "Old-Name"
    row = deliver("customer_created", old)

    contact = Contact.objects.get()
    assert row.status == InboxStatus.PROCESSED  # the event happened: flows still hear of it
    assert len(applied) == 2
    assert contact.last_name == "Doe" and contact.is_confirmed and contact.birthday_month == 4


def test_same_updated_at_orders_by_issued_at(deliver):
    deliver("customer_metadata_updated")  # consent "no"
    deliver("customer_updated")  # same updatedAt, issued a day earlier: stale
    assert Contact.objects.get().marketing_consent is False


def test_email_change_merges_the_guest_contact_of_the_new_email(deliver, installation):
    deliver("customer_updated")
    guest_order = body("order_created")
    guest_order["order"]["userEmail"] = "jane@doe.family"
    guest_order["order"]["checkoutId"] = None
    guest_order["order"]["id"] = gid("Order", "guest-1")
    deliver("order_created", guest_order)
    assert Contact.objects.count() == 2
    merges = []

    def record(sender, **kw):
        merges.append(kw)

    contact_merged.connect(record, dispatch_uid="test-merge-recorder")
    try:
        deliver("account_email_changed")
    finally:
        contact_merged.disconnect(dispatch_uid="test-merge-recorder")

    contact = Contact.objects.get()
    assert contact.email == "jane@doe.family" and contact.saleor_user_id == USER_ID
    assert contact.order_count == 1 and Order.objects.get().contact == contact
    assert len(merges) == 1 and merges[0]["target"] == contact


def test_customer_payloads_from_before_an_email_change_do_not_revert_it(deliver):
    deliver("account_email_changed")
    deliver("customer_updated")  # rendered five days before the change, with the old email
    assert Contact.objects.get().email == "jane@doe.family"


def test_email_owned_by_another_registered_user_waits_for_a_retry(deliver, installation):
    deliver("customer_updated")
    other = body("customer_created")
    other["user"]["id"] = gid("User", 77)  # took jane's old address before her change arrived
    row = deliver("customer_created", other)
    assert row.status == InboxStatus.PENDING and row.attempts == 1
    assert row.last_error == "ContactConflict: the email belongs to another registered contact"

    deliver("account_email_changed")
    row.next_attempt_at = None
    row.save()
    from saleor_automation.contacts.inbox import inbox_process_due

    inbox_process_due()
    row.refresh_from_db()
    assert row.status == InboxStatus.PROCESSED
    assert set(Contact.objects.values_list("email", "saleor_user_id")) == {
        ("jane@doe.family", USER_ID),
        (EMAIL, gid("User", 77)),
    }


def test_staff_users_are_never_contacts(deliver, installation):
    deliver("checkout_updated")
    order = body("order_created")
    order["order"]["user"] = {
        "id": gid("User", 7),
        "email": EMAIL,
        "firstName": "J",
        "lastName": "D",
    }
    deliver("order_created", order)
    assert Contact.objects.get().saleor_user_id == gid("User", 7)

    staff = body("customer_updated")
    staff["user"].update(id=gid("User", 7), isStaff=True)
    row = deliver("customer_updated", staff)

    assert (row.status, row.last_error) == (InboxStatus.IGNORED, "staff user")
    assert not Contact.objects.exists()
    assert StaffUser.objects.filter(installation=installation).count() == 1
    assert Order.objects.get().contact is None
    # Their next purchase is mirrored, but still makes no contact.
    order["order"]["updatedAt"] = "2026-09-01T00:00:00+00:00"
    assert deliver("order_created", order).status == InboxStatus.PROCESSED
    assert not Contact.objects.exists() and Order.objects.get().saleor_user_id == gid("User", 7)


def test_a_staff_user_demoted_later_becomes_a_contact(deliver):
    staff = body("customer_updated")
    staff["user"]["isStaff"] = True
    deliver("customer_updated", staff)
    demoted = body("customer_metadata_updated")
    demoted["user"]["updatedAt"] = "2026-08-30T00:00:00+00:00"
    deliver("customer_metadata_updated", demoted)
    assert Contact.objects.get().saleor_user_id == USER_ID
    assert not StaffUser.objects.exists()


def test_installations_never_share_contacts(deliver, installation, other_installation):
    deliver("customer_updated")
    deliver("customer_updated", to=other_installation)
    deliver("order_created", to=other_installation)

    mine = selectors.contact_get(installation, email=EMAIL)
    theirs = selectors.contact_get(other_installation, email=EMAIL)
    assert mine != theirs and Contact.objects.count() == 2
    assert (mine.order_count, theirs.order_count) == (0, 1)
    assert selectors.order_get(installation, Order.objects.get().saleor_id) is None
    assert list(selectors.contact_list(other_installation)) == [theirs]

    deliver("customer_deleted")
    assert selectors.contact_get(other_installation, saleor_user_id=USER_ID) == theirs
    assert selectors.contact_get(installation, saleor_user_id=USER_ID) is None
