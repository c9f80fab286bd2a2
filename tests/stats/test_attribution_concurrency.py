"""A rollup running while an order event changes the same attributed lines: it waits for
them and counts what was committed, so nothing is counted twice or lost."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction

from saleor_automation.contacts.models import Order
from saleor_automation.stats.attribution_services import order_attribute
from saleor_automation.stats.models import AttributedLine
from saleor_automation.stats.rebuild import stats_rebuild
from saleor_automation.stats.rollup import stats_rollup

from .attribution_fixtures import (
    DAY,
    PLACED,
    clicked,
    counters,
    enroll,
    make_shop,
    order_event,
    sent,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_a_rollup_waits_for_an_attribution_update_and_counts_it():
    shop = make_shop()
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    placed = order_event(shop)
    stats_rollup(settle=False)
    order_event(shop, "order_refunded", issued=PLACED + DAY, refunded=35.5)  # pending: -35.5
    Order.objects.filter(pk=placed.pk).update(status="CANCELED")  # the next event's state

    updated, release = threading.Event(), threading.Event()
    rollup_pid: list[int] = []
    errors: list[BaseException] = []

    def cancel() -> None:
        try:
            with transaction.atomic():
                order_attribute(shop.installation, placed)  # locks and zeroes the lines
                updated.set()
                release.wait(timeout=30)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def rollup() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                rollup_pid.append(cursor.fetchone()[0])
            stats_rollup(settle=False)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=cancel)
    writer.start()
    assert updated.wait(timeout=30)
    reader = threading.Thread(target=rollup)
    reader.start()
    deadline = time.monotonic() + 30
    while not (rollup_pid and _waiting_for_a_lock(rollup_pid[0])):
        assert time.monotonic() < deadline, "the rollup never waited for the locked lines"
        time.sleep(0.01)
    release.set()
    writer.join(timeout=30)
    reader.join(timeout=30)
    close_old_connections()
    assert errors == []

    # The rollup counted the cancellation it waited for, not the refund it first saw.
    assert counters(shop.installation, "revenue", "attributed_orders") == []
    assert not AttributedLine.objects.exclude(counted_amount=0).exists()
    incremental = counters(shop.installation)
    stats_rebuild(shop.installation)
    assert counters(shop.installation) == incremental
