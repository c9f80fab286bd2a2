"""Upsell and cross-sell for returning customers, two days after a repeat order."""

from ..definition import Priority
from .base import FlowTemplate, chain, email, exit_, text, trigger, wait

TEMPLATE = FlowTemplate(
    key="upsell_cross_sell",
    name="Upsell and cross-sell",
    description="Two days after a repeat order, suggests products often bought with it.",
    priority=Priority.BROWSE,
    graph=chain(
        trigger("repeat_order"),
        wait("wait_1", days=2),
        email(
            "recommendations",
            en={
                "subject": "Thanks for coming back - you might also like",
                "preheader": "Handpicked to go with your latest order.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "Thanks for shopping with us again. These go great with your order:",
                )
                + "{% recommendations limit=4 %}",
            },
            de={
                "subject": "Danke für Ihre Treue - das könnte Ihnen auch gefallen",
                "preheader": "Passend zu Ihrer letzten Bestellung ausgewählt.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Danke, dass Sie wieder bei uns bestellt haben. Das passt dazu:",
                )
                + "{% recommendations limit=4 %}",
            },
        ),
        exit_(),
    ),
    settings={
        "priority": Priority.BROWSE,
        "reentry": "once_per_days",
        "reentry_days": 30,
    },
)
