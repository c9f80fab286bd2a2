"""Best customers: a thank-you when a contact reaches 5 orders or 1000 EUR in a year."""

from ..definition import Priority
from .base import FlowTemplate, action, chain, email, exit_, text, trigger

# Rolling-window attributes (flows/triggers/windows.py): counted orders and spend over the
# last 365 days, so customers who stop buying leave the segment again.
SEGMENT = {
    "any": [
        {"field": "contact.attributes.orders_last_365d", "op": "gte", "value": 5},
        {"field": "contact.attributes.spend_last_365d.EUR", "op": "gte", "value": 1000},
    ]
}

TEMPLATE = FlowTemplate(
    key="best_customers",
    name="Best customers",
    description=(
        "Thanks customers with 5 orders or 1000 EUR spent in the last year and adds them "
        'to the group "vip".'
    ),
    priority=Priority.DEFAULT,
    graph=chain(
        trigger("segment_entered", segment=SEGMENT),
        email(
            "thank_you",
            en={
                "subject": "Thank you, {{ first_name|default:'friend' }}",
                "preheader": "You are one of our very best customers.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "You are one of our most loyal customers, and we wanted to say thank "
                    "you. Keep an eye on your inbox: VIP perks are coming your way.",
                ),
            },
            de={
                "subject": "Vielen Dank!",
                "preheader": "Sie gehören zu unseren besten Kunden.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Sie gehören zu unseren treuesten Kunden - dafür möchten wir Danke sagen. "
                    "Exklusive VIP-Vorteile sind schon unterwegs.",
                ),
            },
        ),
        action("vip", "add_to_group", group="vip"),
        exit_(),
    ),
    # Segments are evaluated around the clock; the thank-you waits for the morning.
    settings={"priority": Priority.DEFAULT, "quiet_hours": {"start": "21:00", "end": "08:00"}},
)
