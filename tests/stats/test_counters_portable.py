"""The counting without PostgreSQL's SQL (stats.counters_portable, what SQLite runs for
`make run` and `make demo`) writes the counters the SQL writes, increment by increment and
from scratch. Run on PostgreSQL with the counters told they are on another database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from saleor_automation.flows.models import EnrollmentStatus
from saleor_automation.stats.attribution_services import order_attribute
from saleor_automation.stats.rollup import stats_rollup
from tests.flows.db_fixtures import NOW, WAIT_SEND, make_contact, make_flow, make_installation

from .test_counters import DAY, buy, convert, counters, enroll, event, send, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def not_postgres(monkeypatch):
    """stats.counters sees another database: it counts with the ORM."""

    def on() -> None:
        monkeypatch.setattr(
            "saleor_automation.stats.counters.connection", SimpleNamespace(vendor="sqlite")
        )

    def off() -> None:
        monkeypatch.undo()

    return SimpleNamespace(on=on, off=off)


def live_through(installation, flow) -> None:
    """Entries, sends, repeated and first events, conversions, an attributed order refunded
    after it was counted, another in a second currency; a rollup between each stage."""
    contacts = [make_contact(installation, n) for n in range(6)]
    enrollments = [enroll(flow, contact) for contact in contacts]
    for day, enrollment in enumerate(enrollments):
        step(enrollment, "trigger", NOW + day * DAY)
    stats_rollup(settle=False)
    messages = []
    for day, enrollment in enumerate(enrollments[:4]):
        step(enrollment, "w1", NOW + day * DAY + DAY)
        messages.append(send(enrollment, at=NOW + day * DAY + DAY))
    stats_rollup(settle=False)
    for message in messages[:3]:
        event(message, "delivered", key="d")
        event(message, "opened")
        event(message, "opened")
    event(messages[0], "clicked")
    event(messages[3], "bounced")
    convert(enrollments[0], "20.00", "USD", NOW + 3 * DAY)
    convert(enrollments[1], "15.00", "EUR", NOW + 3 * DAY)
    enrollments[2].holdout = True
    enrollments[2].save(update_fields=["holdout"])
    convert(enrollments[2], "9.00", "USD", NOW + 2 * DAY)
    first = buy(installation, contacts[0], "20.00", "USD", NOW + DAY)  # after the click
    stats_rollup(settle=False)
    for enrollment in enrollments[:2]:
        step(enrollment, "s1", NOW + 4 * DAY)
        enrollment.status = EnrollmentStatus.FINISHED
        enrollment.save()
    event(messages[1], "clicked")
    event(messages[1], "clicked")
    event(messages[2], "unsubscribed")
    first.total_refunded = Decimal("5.00")
    first.save()
    order_attribute(installation, first)
    buy(installation, contacts[1], "15.00", "EUR", NOW + DAY)
    stats_rollup(settle=False)


def test_portable_counting_writes_what_the_sql_writes(not_postgres):
    installation = make_installation()
    flow = make_flow(installation, WAIT_SEND)

    not_postgres.on()
    live_through(installation, flow)
    portable = counters(installation)
    metrics = {row[4] for row in portable}
    assert {"entered", "sent", "opened", "clicked", "converted", "revenue"} <= metrics
    assert {"holdout_converted", "attributed_orders", "unsubscribed"} <= metrics

    not_postgres.off()  # the SQL recounts everything from the rows
    call_command("stats_rebuild", installation=installation.pk)
    assert counters(installation) == portable

    not_postgres.on()  # and the ORM's recount from scratch agrees
    call_command("stats_rebuild", installation=installation.pk)
    assert counters(installation) == portable
