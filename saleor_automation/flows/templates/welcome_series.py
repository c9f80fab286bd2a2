"""Welcome series: a welcome, curated picks two days later, a feedback request a week on.

Where the store asks for double opt-in (Installation.double_opt_in, DOUBLE_OPT_IN) and the
new customer has not consented yet, a transactional confirmation email with the link comes
first (it needs no consent); the series starts the moment the link is confirmed, and a
customer who does not confirm within 7 days leaves without hearing more.
"""

from ..definition import Priority
from .base import (
    FlowTemplate,
    condition,
    email,
    exit_,
    linked,
    text,
    trigger,
    wait,
    wait_for,
)

CONFIRM_DAYS = 7

TEMPLATE = FlowTemplate(
    key="welcome_series",
    name="Welcome series",
    description=(
        "Greets new customers, shows them popular products after 2 days and asks for "
        "feedback a week later. Where the store asks for double opt-in, new customers "
        "without consent first confirm their subscription by email."
    ),
    priority=Priority.NEWSLETTER,
    graph=linked(
        trigger("customer_created"),
        condition(
            "needs_confirmation", {"field": "contact.needs_opt_in", "op": "eq", "value": True}
        ),
        email(
            "confirm",
            en={
                "subject": "Please confirm your subscription to {{ store.name }}",
                "preheader": "One click and you are in.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "Thanks for signing up at {{ store.name }}. Please confirm that you want "
                    "our news and offers by email.",
                )
                + "{% confirm_button %}"
                + text("Did not sign up? Then just ignore this email."),
            },
            de={
                "subject": "Bitte bestätigen Sie Ihr Abonnement bei {{ store.name }}",
                "preheader": "Ein Klick, und Sie sind dabei.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "danke für Ihre Anmeldung bei {{ store.name }}. Bitte bestätigen Sie, dass "
                    "Sie unsere Neuigkeiten und Angebote per E-Mail erhalten möchten.",
                )
                + "{% confirm_button label='Abonnement bestätigen' %}"
                + text("Sie haben sich nicht angemeldet? Dann ignorieren Sie diese E-Mail."),
            },
            marketing=False,
        ),
        wait_for("wait_confirm", "consent_confirmed", days=CONFIRM_DAYS),
        exit_("not_confirmed"),
        email(
            "welcome",
            en={
                "subject": "Welcome to {{ store.name }}, {{ first_name|default:'friend' }}!",
                "preheader": "We are glad you are here.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "Thanks for joining {{ store.name }}. Fresh arrivals, member offers and "
                    "tips are on their way - look out for our next email.",
                ),
            },
            de={
                "subject": "Willkommen bei {{ store.name }}!",
                "preheader": "Schön, dass Sie da sind.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Danke für Ihre Anmeldung bei {{ store.name }}. Neuheiten, exklusive "
                    "Angebote und Tipps sind schon unterwegs.",
                ),
            },
        ),
        wait("wait_1", days=2),
        email(
            "curated",
            en={
                "subject": "Picked for you",
                "preheader": "What other customers love right now.",
                "mjml": text("Here are a few favourites we think you will like:")
                + "{% recommendations limit=4 %}",
            },
            de={
                "subject": "Für Sie ausgewählt",
                "preheader": "Was andere Kunden gerade lieben.",
                "mjml": text("Ein paar Lieblingsstücke, die Ihnen gefallen könnten:")
                + "{% recommendations limit=4 %}",
            },
        ),
        wait("wait_2", days=7),
        email(
            "feedback",
            en={
                "subject": "How are we doing?",
                "preheader": "Two minutes of your time would help us a lot.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "You have been with us for a week now. Just reply to this email and "
                    "tell us what you like and what we could do better.",
                ),
            },
            de={
                "subject": "Wie gefällt es Ihnen?",
                "preheader": "Zwei Minuten Ihrer Zeit helfen uns sehr.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Sie sind jetzt seit einer Woche dabei. Antworten Sie einfach auf diese "
                    "E-Mail und sagen Sie uns, was Ihnen gefällt und was wir besser machen "
                    "können.",
                ),
            },
        ),
        exit_(),
        edges=[
            ("trigger", "needs_confirmation", "next"),
            ("needs_confirmation", "confirm", "yes"),
            ("needs_confirmation", "welcome", "no"),
            ("confirm", "wait_confirm", "next"),
            ("wait_confirm", "welcome", "event"),
            ("wait_confirm", "not_confirmed", "timeout"),
            ("welcome", "wait_1", "next"),
            ("wait_1", "curated", "next"),
            ("curated", "wait_2", "next"),
            ("wait_2", "feedback", "next"),
            ("feedback", "exit", "next"),
        ],
    ),
    settings={"priority": Priority.NEWSLETTER},
)
