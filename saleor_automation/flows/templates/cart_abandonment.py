"""Cart abandonment: three reminders over three days, the last with a 10% voucher.

Placing the order (or converting the checkout) ends the enrollment through the goals, so
the graph needs no "order placed?" condition between the emails. The voucher is made only
for a contact who consents to marketing at that moment: the third email would not go out
otherwise, and a Saleor code nobody receives is clutter (and a code that could leak).
"""

from ..definition import Priority
from .base import FlowTemplate, action, condition, email, exit_, linked, text, trigger, wait

HI_EN = "Hi {{ first_name|default:'there' }},"
HI_DE = "Hallo {{ first_name|default:'' }},"

TEMPLATE = FlowTemplate(
    key="cart_abandonment",
    name="Cart abandonment",
    description=(
        "Reminds shoppers of the cart they left behind: an hour later, a day later, and "
        "after three days with a 10% voucher valid for 3 days. Ends as soon as they order."
    ),
    priority=Priority.CHECKOUT_RECOVERY,
    graph=linked(
        trigger("checkout_abandoned", idle_minutes=60),
        email(
            "email_1",
            en={
                "subject": "You left something in your cart",
                "preheader": "Your items are saved - pick up where you left off.",
                "mjml": text(HI_EN, "Your cart is waiting for you. Here is what you picked:")
                + "{% checkout_lines %}{% recovery_button %}",
            },
            de={
                "subject": "Sie haben etwas im Warenkorb vergessen",
                "preheader": "Ihre Artikel sind gespeichert.",
                "mjml": text(HI_DE, "Ihr Warenkorb wartet auf Sie. Das haben Sie ausgewählt:")
                + "{% checkout_lines %}{% recovery_button label='Bestellung abschließen' %}",
            },
        ),
        wait("wait_1", hours=23),
        email(
            "email_2",
            en={
                "subject": "Still thinking it over?",
                "preheader": "Your cart is still here, but stock is limited.",
                "mjml": text(HI_EN, "Your favourites are still in your cart - for now.")
                + "{% checkout_lines %}{% recovery_button %}",
            },
            de={
                "subject": "Noch unentschlossen?",
                "preheader": "Ihr Warenkorb ist noch da, der Vorrat aber begrenzt.",
                "mjml": text(HI_DE, "Ihre Favoriten liegen noch im Warenkorb - noch.")
                + "{% checkout_lines %}{% recovery_button label='Bestellung abschließen' %}",
            },
        ),
        wait("wait_2", hours=48),
        condition("has_consent", {"field": "contact.marketing_consent", "op": "eq", "value": True}),
        action(
            "voucher",
            "create_voucher",
            discount_type="percent",
            value=10,
            valid_days=3,
            channel="default-channel",
        ),
        email(
            "email_3",
            en={
                "subject": "10% off your cart - for 3 days",
                "preheader": "A little something to help you decide.",
                "mjml": text(HI_EN, "Complete your order now and save 10% with this code:")
                + "{% voucher_code %}{% checkout_lines %}{% recovery_button %}",
            },
            de={
                "subject": "10 % Rabatt auf Ihren Warenkorb - 3 Tage lang",
                "preheader": "Eine kleine Entscheidungshilfe.",
                "mjml": text(HI_DE, "Bestellen Sie jetzt und sparen Sie 10 % mit diesem Code:")
                + "{% voucher_code %}{% checkout_lines %}"
                "{% recovery_button label='Bestellung abschließen' %}",
            },
        ),
        exit_(),
        edges=[
            ("trigger", "email_1", "next"),
            ("email_1", "wait_1", "next"),
            ("wait_1", "email_2", "next"),
            ("email_2", "wait_2", "next"),
            ("wait_2", "has_consent", "next"),
            ("has_consent", "voucher", "yes"),
            ("has_consent", "exit", "no"),
            ("voucher", "email_3", "next"),
            ("email_3", "exit", "next"),
        ],
    ),
    settings={
        "priority": Priority.CHECKOUT_RECOVERY,
        "reentry": "once_per_days",
        "reentry_days": 7,
        "quiet_hours": {"start": "21:00", "end": "08:00"},
        "goals": [
            {"event": "order_placed", "ends": True},
            {"event": "checkout_converted", "ends": True},
        ],
    },
)
