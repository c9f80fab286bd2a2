"""Welcome series: a welcome, curated picks two days later, a feedback request a week on."""

from ..definition import Priority
from .base import FlowTemplate, chain, email, exit_, text, trigger, wait

TEMPLATE = FlowTemplate(
    key="welcome_series",
    name="Welcome series",
    description=(
        "Greets new customers, shows them popular products after 2 days and asks for "
        "feedback a week later."
    ),
    priority=Priority.NEWSLETTER,
    graph=chain(
        trigger("customer_created"),
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
    ),
    settings={"priority": Priority.NEWSLETTER},
)
