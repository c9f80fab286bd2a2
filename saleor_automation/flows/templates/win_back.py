"""Win-back: after 90 days without an order, a voucher, a reminder, then the "lapsed" group."""

from ..definition import Priority
from .base import FlowTemplate, action, chain, email, exit_, text, trigger, wait, wait_until

TEMPLATE = FlowTemplate(
    key="win_back",
    name="Win-back",
    description=(
        "Customers without an order for 90 days get a 15% voucher (at 9:00 their time) and "
        'a reminder a week later; those who still do not order move to the group "lapsed".'
    ),
    priority=Priority.DEFAULT,
    graph=chain(
        trigger("no_order_for_days", days=90),
        # The trigger fires just after the contact's local midnight: write in the morning.
        wait_until("send_hour", "09:00"),
        action(
            "voucher",
            "create_voucher",
            discount_type="percent",
            value=15,
            valid_days=14,
            channel="default-channel",
        ),
        email(
            "offer",
            en={
                "subject": "We miss you, {{ first_name|default:'friend' }}",
                "preheader": "15% off your next order - just for you.",
                "mjml": text(
                    "Hi {{ first_name|default:'there' }},",
                    "It has been a while. Come back and see what is new - this code takes "
                    "15% off your next order:",
                )
                + "{% voucher_code %}",
            },
            de={
                "subject": "Wir vermissen Sie",
                "preheader": "15 % Rabatt auf Ihre nächste Bestellung.",
                "mjml": text(
                    "Hallo {{ first_name|default:'' }},",
                    "Es ist eine Weile her. Schauen Sie vorbei - mit diesem Code sparen Sie "
                    "15 % auf Ihre nächste Bestellung:",
                )
                + "{% voucher_code %}",
            },
        ),
        wait("wait_1", days=7),
        email(
            "reminder",
            en={
                "subject": "Your 15% code expires soon",
                "preheader": "Don't let it go to waste.",
                "mjml": text("Just a reminder: your code is still waiting for you.")
                + "{% voucher_code %}",
            },
            de={
                "subject": "Ihr 15-%-Code läuft bald ab",
                "preheader": "Lassen Sie ihn nicht verfallen.",
                "mjml": text("Nur zur Erinnerung: Ihr Code wartet noch auf Sie.")
                + "{% voucher_code %}",
            },
        ),
        # An order ends the enrollment (goal), so whoever gets here did not come back.
        wait("wait_2", days=7),
        action("lapsed", "move_to_group", group="lapsed"),
        exit_(),
    ),
    settings={
        "priority": Priority.DEFAULT,
        "reentry": "once_per_days",
        "reentry_days": 180,
        "goals": [{"event": "order_placed", "ends": True}],
    },
)
