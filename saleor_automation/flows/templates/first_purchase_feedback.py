"""After a fulfilled order: ask how it went, then suggest what goes well with it."""

from ..definition import Priority
from .base import FlowTemplate, chain, email, exit_, text, trigger, wait

TEMPLATE = FlowTemplate(
    key="first_purchase_feedback",
    name="Purchase feedback and cross-sell",
    description=(
        "Three days after an order is fulfilled asks how it went; four days later suggests "
        "products often bought with it."
    ),
    priority=Priority.BROWSE,
    graph=chain(
        trigger("order_fulfilled"),
        wait("wait_1", days=3),
        email(
            "feedback",
            en={
                "subject": "How did it go?",
                "preheader": "Your order {{ order.number }} should have arrived.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "Your order should be with you by now. Are you happy with it? Reply to "
                    "this email - we read every answer.",
                ),
            },
            de={
                "subject": "Wie war Ihre Bestellung?",
                "preheader": "Ihre Bestellung {{ order.number }} sollte angekommen sein.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Ihre Bestellung sollte inzwischen bei Ihnen sein. Sind Sie zufrieden? "
                    "Antworten Sie einfach auf diese E-Mail - wir lesen jede Antwort.",
                ),
            },
        ),
        wait("wait_2", days=4),
        email(
            "cross_sell",
            en={
                "subject": "Goes well with your last order",
                "preheader": "Customers who bought what you did also loved these.",
                "mjml": text("Customers who bought what you did also chose:")
                + "{% recommendations limit=4 %}",
            },
            de={
                "subject": "Passt perfekt zu Ihrer Bestellung",
                "preheader": "Das haben andere Kunden dazu gekauft.",
                "mjml": text("Kunden, die dasselbe gekauft haben, wählten auch:")
                + "{% recommendations limit=4 %}",
            },
        ),
        exit_(),
    ),
    # Reentry "once" (the default) keeps this to the first fulfilled order.
    settings={"priority": Priority.BROWSE},
)
