"""Geolocation: new customers near a store (by country and postal code) hear about it."""

from ..definition import Priority
from .base import FlowTemplate, chain, email, exit_, text, trigger

# A sample area (Berlin: postal codes 10xxx); operators edit it to their store's.
ENTRY_FILTER = {
    "all": [
        {"field": "contact.country", "op": "eq", "value": "DE"},
        {"field": "contact.postal_code", "op": "starts_with", "value": "10"},
    ]
}

TEMPLATE = FlowTemplate(
    key="geolocation",
    name="Nearby store",
    description=(
        "Tells new customers in an area (sample: Germany, postal codes starting with 10) "
        "about the store near them."
    ),
    priority=Priority.DEFAULT,
    graph=chain(
        trigger("customer_created"),
        email(
            "nearby_store",
            en={
                "subject": "We have a store near you",
                "preheader": "Come by, try things on, pick up your orders.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "Did you know {{ store.name }} has a store just around the corner? Come "
                    "by to see our products in person - we look forward to meeting you.",
                ),
            },
            de={
                "subject": "Wir sind ganz in Ihrer Nähe",
                "preheader": "Kommen Sie vorbei und probieren Sie alles aus.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Wussten Sie, dass {{ store.name }} ein Geschäft ganz in Ihrer Nähe hat? "
                    "Besuchen Sie uns - wir freuen uns auf Sie.",
                ),
            },
        ),
        exit_(),
    ),
    settings={"priority": Priority.DEFAULT, "entry_filter": ENTRY_FILTER},
)
