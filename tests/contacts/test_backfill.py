"""Backfill through the Saleor API (emulated over real HTTP): imports, and resumes."""

import pytest
from django.core.management import call_command

from saleor_automation.contacts.backfill import (
    BackfillError,
    backfill_run,
    backfill_start,
)
from saleor_automation.contacts.backfill_models import BackfillStatus
from saleor_automation.contacts.models import Checkout, Contact, Order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(saleor_emulator):
    """A shop with 229 customers and a staff user, 140 orders and 3 open checkouts."""
    mug = saleor_emulator.product("Mug")
    customers = [saleor_emulator.customer(f"c{i}@example.com") for i in range(229)]
    saleor_emulator.customer("staff@example.com", is_staff=True)
    for i in range(140):
        saleor_emulator.order(customers[i % 100], [(mug, 1 + i % 3)], total=10.0 + i)
    for i in range(3):
        saleor_emulator.checkout(f"guest{i}@example.com", lines=[(mug, 1)])
    return saleor_emulator


def test_backfill_imports_customers_orders_and_checkouts(store, installed):
    run = backfill_run(backfill_start(installed))

    assert run.status == BackfillStatus.DONE
    assert run.progress["customers"]["imported"] == 229  # Saleor lists no staff
    assert Contact.objects.filter(installation=installed).count() == 229 + 3  # + guests
    assert Order.objects.filter(installation=installed).count() == 140
    assert Checkout.objects.filter(installation=installed).count() == 3
    busiest = Contact.objects.get(email="c0@example.com")
    assert busiest.order_count == 2  # orders 0 and 100
    assert not Contact.objects.filter(email="staff@example.com").exists()
    # Pages of at most 100, as Saleor allows.
    pages = [r for r in store.requests if r.operation_name == "BackfillCustomers"]
    assert [r.variables["first"] for r in pages] == [100, 100, 100]


def test_an_interrupted_backfill_resumes_without_repeating_pages(store, installed):
    run = backfill_start(installed)
    pages_seen = []

    def deactivate_after_first_order_page(name: str, imported: int, total: int | None) -> None:
        pages_seen.append((name, imported))
        if name == "orders":
            store.deactivate()  # the token stops working mid-import

    with pytest.raises(BackfillError):
        backfill_run(run, on_progress=deactivate_after_first_order_page)
    run.refresh_from_db()
    assert run.status == BackfillStatus.FAILED
    assert run.progress["customers"]["done"]
    assert run.progress["orders"]["imported"] == 100

    store.activate()
    requests_before = len(store.requests)
    resumed = backfill_start(installed)
    assert resumed.pk == run.pk
    backfill_run(resumed)

    resumed.refresh_from_db()
    assert resumed.status == BackfillStatus.DONE
    assert resumed.progress["orders"]["imported"] == 140
    assert Order.objects.count() == 140
    later = [r.operation_name for r in store.requests[requests_before:]]
    assert "BackfillCustomers" not in later  # finished resources are not read again


def test_backfill_command_shows_progress_and_result(store, installed, capsys):
    call_command("backfill")

    captured = capsys.readouterr()
    assert "done: customers 229, orders 140, checkouts 3" in captured.out
    assert "customers" in captured.err  # the progress bars


def test_reactivation_reconciles_what_changed_while_inactive(
    saleor_emulator, installed, celery_worker
):
    from datetime import UTC, datetime, timedelta

    from tests.celery_fixtures import wait_for

    old = saleor_emulator.customer("old@example.com")
    old["updatedAt"] = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    saleor_emulator.deactivate()
    wait_for(
        lambda: type(installed).objects.get(pk=installed.pk).deactivated_at, what="deactivated"
    )
    # While inactive, Saleor drops the app's events: this customer is never delivered.
    missed = saleor_emulator.customer("missed@example.com", first_name="Mia")
    assert saleor_emulator.emit("CUSTOMER_CREATED", missed) == []

    saleor_emulator.activate()

    contact = wait_for(
        lambda: Contact.objects.filter(email="missed@example.com").first(),
        what="the missed customer reconciled",
    )
    assert contact.first_name == "Mia"
    assert not Contact.objects.filter(email="old@example.com").exists()  # not changed since
    reconcile = [r for r in saleor_emulator.requests if r.operation_name == "BackfillCustomers"]
    assert reconcile and reconcile[-1].variables["where"]["updatedAt"]["gte"]
