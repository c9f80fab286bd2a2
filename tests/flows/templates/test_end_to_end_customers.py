"""The templates new customers meet, end to end: the welcome series and the nearby-store
email, started by CUSTOMER_CREATED webhooks from the emulated Saleor, with the store's
clock moved over days."""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.messaging.confirm.models import ConsentConfirmation

from .driver import Sent, StoreClock, inbox_problems
from .shop import (
    BERLIN,
    NEW_YORK,
    deliver,
    history,
    local,
    names_in,
    products,
    sign_up,
    template_flow,
    touch,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

START = local(NEW_YORK, 2026, 4, 6, 18, 0)  # a Monday; no DST change in the weeks after


@pytest.fixture
def store(saleor_emulator, installed):
    clock = StoreClock(saleor_emulator, installed, start=START)
    yield clock
    assert inbox_problems(installed) == []
    assert saleor_emulator.take_faults() == []


TOM = {"first_name": "Tom", "country": "US", "city": "New York", "postal_code": "10001"}
LENA = {"first_name": "Lena", "country": "DE", "city": "Berlin", "postal_code": "10115"}
MAX = {"first_name": "Max", "country": "DE", "city": "München", "postal_code": "80331"}
JULIA = {"first_name": "Julia", "country": "DE", "city": "Hamburg", "postal_code": "20095"}


def test_welcome_then_picks_two_days_later_then_feedback_a_week_on(store):
    catalog = products(
        store,
        ("Notebook", "Paper", 8.0),
        ("Fountain pen", "Pens", 45.0),
        ("Desk lamp", "Lighting", 60.0),
    )
    notebook, pen, lamp = catalog.values()
    history(store, [notebook, pen], [notebook], [lamp])
    template_flow(store, "welcome_series")
    store.advance_to(local(NEW_YORK, 2026, 4, 6, 18, 30))
    sign_up(store, "tom@example.com", **TOM)

    sent = store.advance(timedelta(days=10))

    assert [(s.to, s.node_id, s.local(NEW_YORK)) for s in sent] == [
        ("tom@example.com", "welcome", datetime(2026, 4, 6, 18, 30)),
        ("tom@example.com", "curated", datetime(2026, 4, 8, 18, 30)),
        ("tom@example.com", "feedback", datetime(2026, 4, 15, 18, 30)),
    ]
    store_name = store.installation.shop_name
    assert [s.subject for s in sent] == [
        f"Welcome to {store_name}, Tom!",
        "Picked for you",
        "How are we doing?",
    ]
    assert "Thanks for joining " + store_name in sent[0].html
    # A newcomer bought nothing yet: the picks are the channel's bestsellers.
    assert names_in(sent[1].html, catalog) == {"Notebook", "Fountain pen", "Desk lamp"}
    assert names_in(sent[0].html + sent[2].html, catalog) == set()
    assert "You have been with us for a week now." in sent[2].html
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.finish_reason) == (EnrollmentStatus.FINISHED, "exit")


def test_the_welcome_speaks_the_customers_language_on_their_clock(store):
    template_flow(store, "welcome_series")
    store.advance_to(local(BERLIN, 2026, 4, 7, 9, 15))
    sign_up(store, "lena@example.com", language="DE", **LENA)

    sent = store.advance(timedelta(days=10))

    assert [(s.subject, s.local(BERLIN)) for s in sent] == [
        (f"Willkommen bei {store.installation.shop_name}!", datetime(2026, 4, 7, 9, 15)),
        ("Für Sie ausgewählt", datetime(2026, 4, 9, 9, 15)),
        ("Wie gefällt es Ihnen?", datetime(2026, 4, 16, 9, 15)),
    ]
    assert "Hallo Lena," in sent[0].html


def test_only_customers_near_the_store_hear_about_it(store):
    template_flow(store, "geolocation")
    store.advance_to(local(BERLIN, 2026, 4, 7, 11, 0))
    sign_up(store, "lena@example.com", **LENA)  # DE, 10115: inside the sample area
    sign_up(store, "max@example.com", **MAX)  # DE, but 80331
    sign_up(store, "tom@example.com", **TOM)  # 10001, but in the US

    sent = store.advance(timedelta(days=1))

    assert [(s.to, s.subject, s.local(BERLIN)) for s in sent] == [
        ("lena@example.com", "We have a store near you", datetime(2026, 4, 7, 11, 0))
    ]
    assert "has a store just around the corner" in sent[0].html
    assert list(Enrollment.objects.values_list("contact__email", flat=True)) == ["lena@example.com"]


def test_a_location_filter_works_in_any_template(store):
    hamburg_only = {"field": "contact.city", "op": "eq", "value": "hamburg"}
    template_flow(store, "welcome_series", entry_filter=hamburg_only)
    sign_up(store, "lena@example.com", **LENA)
    sign_up(store, "julia@example.com", **JULIA)

    sent = store.advance(timedelta(days=3))

    assert [(s.to, s.node_id) for s in sent] == [
        ("julia@example.com", "welcome"),
        ("julia@example.com", "curated"),
    ]


# Double opt-in: the store asks new subscribers to confirm before any marketing email.


def double_opt_in(store: StoreClock, on: bool) -> None:
    store.installation.double_opt_in = on
    store.installation.save(update_fields=["double_opt_in"])


def sign_up_without_consent(store: StoreClock, email: str, **profile) -> dict:
    """A customer who registered without saying yes to marketing (no consent metadata)."""
    with store.frozen():
        customer = store.emulator.customer(email, metadata={}, **profile)
    deliver(store, "CUSTOMER_CREATED", customer)
    return customer


def confirm_path(email: Sent) -> str:
    (path,) = set(re.findall(r'href="https?://[^"/]+(/confirm/[^"/?#]+)"', email.html))
    return path


def test_double_opt_in_confirm_first_then_the_series(store):
    double_opt_in(store, True)
    template_flow(store, "welcome_series")
    store.advance_to(local(NEW_YORK, 2026, 4, 6, 18, 30))
    customer = sign_up_without_consent(store, "tom@example.com", **TOM)

    sent = store.advance(timedelta(days=1))

    # Only the confirmation, at once, though the customer has not consented: transactional.
    assert [(s.to, s.node_id, s.local(NEW_YORK)) for s in sent] == [
        ("tom@example.com", "confirm", datetime(2026, 4, 6, 18, 30))
    ]
    confirm = sent[0]
    assert confirm.subject == f"Please confirm your subscription to {store.installation.shop_name}"
    assert "Confirm my subscription" in confirm.html
    assert "/u/" not in confirm.html  # no unsubscribe link: there is nothing to opt out of
    contact = Contact.objects.get(email="tom@example.com")
    assert contact.marketing_consent is None
    path = confirm_path(confirm)

    store.advance_to(local(NEW_YORK, 2026, 4, 8, 9, 0))
    client = Client()
    with store.frozen():
        page = client.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and b"Confirm my subscription" in page.content
    contact.refresh_from_db()
    assert contact.marketing_consent is None
    assert store.advance(timedelta(0)) == []

    with store.frozen():
        done = client.post(path)
        again = client.post(path)
    assert done.status_code == again.status_code == 200
    assert b"is confirmed" in done.content
    contact.refresh_from_db()
    confirmed_at = local(NEW_YORK, 2026, 4, 8, 9, 0)
    assert (contact.marketing_consent, contact.consent_confirmed_at) == (True, confirmed_at)
    assert list(ConsentConfirmation.objects.values_list("source", "confirmed_at")) == [
        ("double_opt_in", confirmed_at)
    ]

    sent = store.advance(timedelta(0))
    assert [(s.node_id, s.local(NEW_YORK)) for s in sent] == [
        ("welcome", datetime(2026, 4, 8, 9, 0))
    ]
    # Saleor's metadata still says nothing of consent: the confirmation stands.
    store.advance(timedelta(hours=1))
    deliver(store, "CUSTOMER_UPDATED", touch(store, customer))
    sent = store.advance(timedelta(days=10))
    assert [(s.node_id, s.local(NEW_YORK)) for s in sent] == [
        ("curated", datetime(2026, 4, 10, 9, 0)),
        ("feedback", datetime(2026, 4, 17, 9, 0)),
    ]
    contact.refresh_from_db()
    assert contact.marketing_consent is True
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.FINISHED, "exit")


def test_double_opt_in_without_a_confirmation_nothing_more_is_sent(store):
    double_opt_in(store, True)
    template_flow(store, "welcome_series")
    start = store.now
    sign_up_without_consent(store, "tom@example.com", **TOM)

    sent = store.advance(timedelta(days=20))

    assert [s.node_id for s in sent] == ["confirm"]
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.current_node) == (
        EnrollmentStatus.FINISHED,
        "not_confirmed",
    )
    assert enrollment.finished_at == start + timedelta(days=7)
    assert Contact.objects.get().marketing_consent is None


def test_double_opt_in_skips_the_confirmation_for_customers_who_consented(store):
    double_opt_in(store, True)
    template_flow(store, "welcome_series")
    sign_up(store, "lena@example.com", **LENA)  # consent "true" in the customer metadata

    sent = store.advance(timedelta(days=3))

    assert [s.node_id for s in sent] == ["welcome", "curated"]


def test_without_double_opt_in_no_confirmation_is_asked(store):
    double_opt_in(store, False)
    template_flow(store, "welcome_series")
    sign_up_without_consent(store, "tom@example.com", **TOM)
    sign_up(store, "lena@example.com", **LENA)

    sent = store.advance(timedelta(days=3))

    # As before: no consent, no marketing; nobody is asked to confirm.
    assert [(s.to, s.node_id) for s in sent] == [
        ("lena@example.com", "welcome"),
        ("lena@example.com", "curated"),
    ]
