"""Webhook deliveries over real HTTP: verified, stored before the 200, processed once by a
real Celery worker on the real broker (PROTOCOL.md §3)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection

from saleor_automation.contacts.models import Contact, Order
from saleor_automation.saleor.models import InboxEvent, InboxStatus, Installation
from tests.celery_fixtures import wait_for
from tests.saleor_emulator import SaleorEmulator
from tests.saleor_emulator.signing import SigningKey

pytestmark = pytest.mark.django_db(transaction=True)


def processed(count: int):
    return lambda: (
        InboxEvent.objects.filter(status=InboxStatus.PENDING).count() == 0
        and (InboxEvent.objects.count() >= count)
    )


def test_a_signed_event_is_stored_then_processed(saleor_emulator, installed, celery_worker):
    customer = saleor_emulator.customer("Ann@Example.com", first_name="Ann")

    delivery = saleor_emulator.send_event("CUSTOMER_CREATED", customer)

    assert delivery.status == 200
    row = InboxEvent.objects.get()
    assert row.installation_id == installed.pk and row.event_type == "customer_created"
    assert row.body.encode() == delivery.body  # stored verbatim
    contact = wait_for(
        lambda: Contact.objects.filter(installation=installed).first(), what="the contact"
    )
    assert (contact.email, contact.first_name) == ("ann@example.com", "Ann")
    wait_for(processed(1), what="the inbox row marked processed")


def test_a_redelivered_event_changes_nothing_twice(saleor_emulator, installed, celery_worker):
    product = saleor_emulator.product("Mug")
    customer = saleor_emulator.customer("bob@example.com")
    order = saleor_emulator.order(customer, [(product, 2)])

    first = saleor_emulator.send_event("ORDER_FULLY_PAID", order)
    again = saleor_emulator.retry(first)

    assert first.status == again.status == 200
    assert InboxEvent.objects.count() == 1
    wait_for(processed(1), what="processing")
    contact = Contact.objects.get(email="bob@example.com")
    assert contact.order_count == 1
    assert Order.objects.count() == 1


def _rows() -> int:
    return InboxEvent.objects.count()


def test_forged_unsigned_replayed_and_unknown_requests_store_nothing(saleor_emulator, installed):
    customer = saleor_emulator.customer("carol@example.com")
    genuine = saleor_emulator.send_event("CUSTOMER_UPDATED", customer)
    assert genuine.status == 200
    url, body = genuine.target_url, genuine.body
    before = _rows()

    forged = dict(saleor_emulator.webhook_headers("customer_updated", body))
    forged["Saleor-Signature"] = SigningKey().sign(body)  # a key Saleor never published
    assert saleor_emulator.post_raw(url, body, forged).status == 401

    other_body = body.replace(b"carol@example.com", b"mallory@example.com")
    replayed = dict(genuine.headers)  # the genuine signature, another body
    assert saleor_emulator.post_raw(url, other_body, replayed).status == 401

    unsigned = {k: v for k, v in genuine.headers.items() if "Signature" not in k}
    assert saleor_emulator.post_raw(url, body, unsigned).status == 400

    unknown = dict(genuine.headers)
    unknown["Saleor-Api-Url"] = "http://127.0.0.1:1/graphql/"
    assert saleor_emulator.post_raw(url, body, unknown).status == 401

    wrong_event = saleor_emulator.webhook_headers("order_created", body)
    assert saleor_emulator.post_raw(url, body, wrong_event).status == 400

    not_json = b"not json"
    assert (
        saleor_emulator.post_raw(
            url, not_json, saleor_emulator.webhook_headers("customer_updated", not_json)
        ).status
        == 400
    )
    assert _rows() == before


def test_key_rotation_is_survived(saleor_emulator, installed):
    old_kid = saleor_emulator.key.kid
    saleor_emulator.rotate_key()

    delivery = saleor_emulator.send_event("CUSTOMER_CREATED", saleor_emulator.customer())

    assert delivery.status == 200
    installed.refresh_from_db()
    assert [key["kid"] for key in installed.jwks["keys"]] == [saleor_emulator.key.kid]
    assert saleor_emulator.key.kid != old_kid


def test_key_refetch_is_rate_limited_and_answers_retryable(saleor_emulator, installed, settings):
    settings.JWKS_REFETCH_MIN_INTERVAL = 3600
    saleor_emulator.rotate_key()

    delivery = saleor_emulator.send_event("CUSTOMER_CREATED", saleor_emulator.customer())

    # Within the interval the app cannot tell: 5xx, so Saleor retries (a 4xx would lose it).
    assert delivery.status == 503 and delivery.retryable
    assert _rows() == 0
    settings.JWKS_REFETCH_MIN_INTERVAL = 0
    assert saleor_emulator.retry(delivery).status == 200
    assert _rows() == 1


def _break_inbox_table():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE saleor_automation_inboxevent RENAME TO inbox_away")


def _repair_inbox_table():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE inbox_away RENAME TO saleor_automation_inboxevent")


def test_a_database_fault_answers_5xx_and_the_retry_lands(saleor_emulator, installed):
    _break_inbox_table()
    try:
        delivery = saleor_emulator.send_event("CUSTOMER_CREATED", saleor_emulator.customer())
    finally:
        _repair_inbox_table()

    assert delivery.status == 503 and delivery.retryable
    assert _rows() == 0
    assert saleor_emulator.retry(delivery).status == 200
    assert _rows() == 1


def test_events_delivered_out_of_order_end_in_the_newest_state(
    saleor_emulator, installed, celery_worker
):
    customer = saleor_emulator.customer("dora@example.com", first_name="Dora")
    # The first delivery fails at our side and only its retry arrives, after a newer event.
    _break_inbox_table()
    try:
        older = saleor_emulator.send_event("CUSTOMER_CREATED", customer)
    finally:
        _repair_inbox_table()
    assert older.status == 503
    newer = {**customer, "firstName": "Dorothea", "updatedAt": _later(customer["updatedAt"])}
    later = saleor_emulator.send_event("CUSTOMER_UPDATED", newer)
    assert later.status == 200
    wait_for(processed(1), what="the newer event")

    assert saleor_emulator.retry(older).status == 200
    wait_for(processed(2), what="the older event")

    assert Contact.objects.get(email="dora@example.com").first_name == "Dorothea"


def _later(iso: str) -> str:
    return (datetime.fromisoformat(iso) + timedelta(minutes=5)).isoformat()


def test_events_caused_by_the_app_itself_are_recorded_and_ignored(
    saleor_emulator, installed, celery_worker
):
    customer = saleor_emulator.customer("echo@example.com")

    delivery = saleor_emulator.send_event(
        "CUSTOMER_METADATA_UPDATED", customer, issuing_principal=saleor_emulator.app
    )

    assert delivery.status == 200
    row = wait_for(
        lambda: InboxEvent.objects.filter(status=InboxStatus.IGNORED).first(), what="ignored"
    )
    assert row.event_type == "customer_metadata_updated"
    assert not Contact.objects.exists()


def test_app_deleted_drops_credentials(saleor_emulator, installed, celery_worker):
    deliveries = saleor_emulator.delete_app()

    assert [d.status for d in deliveries] == [200]
    wait_for(lambda: not Installation.objects.get(pk=installed.pk).token, what="token dropped")
    installation = Installation.objects.get(pk=installed.pk)
    assert not installation.is_active and installation.uninstalled_at


def test_a_late_app_deleted_of_a_replaced_app_is_ignored(
    saleor_emulator, installed, celery_worker, app_url
):
    old_app_id = installed.app_id
    _break_inbox_table()
    try:
        (first_attempt,) = saleor_emulator.delete_app()
    finally:
        _repair_inbox_table()
    assert first_attempt.status == 503
    # The operator reinstalls at once; Saleor's retry of the old APP_DELETED comes after.
    assert saleor_emulator.install(f"{app_url}/api/manifest").ok
    assert saleor_emulator.retry(first_attempt).status == 200

    row = wait_for(
        lambda: InboxEvent.objects.filter(status=InboxStatus.IGNORED).first(), what="ignored"
    )
    assert row.event_type == "app_deleted"
    installation = Installation.objects.get(pk=installed.pk)
    assert installation.token and installation.is_active
    assert installation.app_id != old_app_id


def test_app_status_changes_follow_deactivate_and_activate(
    saleor_emulator, installed, celery_worker
):
    saleor_emulator.deactivate()
    wait_for(lambda: not Installation.objects.get(pk=installed.pk).is_active, what="inactive")
    saleor_emulator.activate()
    wait_for(lambda: Installation.objects.get(pk=installed.pk).is_active, what="active again")


def test_two_installations_never_see_each_others_data(saleor_schema, app_url, celery_worker):
    with SaleorEmulator(saleor_schema) as shop_a, SaleorEmulator(saleor_schema) as shop_b:
        assert shop_a.install(f"{app_url}/api/manifest").ok
        assert shop_b.install(f"{app_url}/api/manifest").ok
        a = shop_a.send_event("CUSTOMER_CREATED", shop_a.customer("same@example.com"))
        b = shop_b.send_event(
            "CUSTOMER_CREATED", shop_b.customer("same@example.com", first_name="Bea")
        )
        assert a.status == b.status == 200
        wait_for(lambda: Contact.objects.count() == 2, what="two contacts")

        # Shop A's signed delivery presented as shop B's is refused.
        spoofed = dict(a.headers)
        spoofed["Saleor-Api-Url"] = shop_b.api_url
        assert shop_a.post_raw(a.target_url, a.body, spoofed).status == 401

        installation_a = Installation.objects.get(saleor_api_url=shop_a.api_url)
        installation_b = Installation.objects.get(saleor_api_url=shop_b.api_url)
        contact_a = Contact.objects.get(installation=installation_a)
        contact_b = Contact.objects.get(installation=installation_b)
        assert contact_a.pk != contact_b.pk
        assert (contact_a.first_name, contact_b.first_name) == ("Jane", "Bea")
