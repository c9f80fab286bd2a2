"""Birthday: a voucher valid for a week, sent on the day at 9:00 in the contact's zone."""

from ..definition import Priority
from .base import FlowTemplate, action, chain, email, exit_, text, trigger, wait_until

TEMPLATE = FlowTemplate(
    key="birthday",
    name="Birthday",
    description=(
        "On their birthday, at 9:00 their time, customers get a 20% voucher valid for 7 days."
    ),
    priority=Priority.DEFAULT,
    graph=chain(
        trigger("date_field", field="birthday", days_before=0),
        # The trigger fires just after the contact's local midnight: greet at breakfast.
        wait_until("send_hour", "09:00"),
        action(
            "voucher",
            "create_voucher",
            discount_type="percent",
            value=20,
            valid_days=7,
            channel="default-channel",
        ),
        email(
            "greeting",
            en={
                "subject": "Happy birthday, {{ first_name|default:'friend' }}!",
                "preheader": "A gift from us: 20% off this week.",
                "mjml": text(
                    "Happy birthday from all of us at {{ store.name }}!",
                    "Treat yourself: this code takes 20% off your order for the next 7 days.",
                )
                + "{% voucher_code %}",
            },
            de={
                "subject": "Alles Gute zum Geburtstag!",
                "preheader": "Unser Geschenk: 20 % Rabatt diese Woche.",
                "mjml": text(
                    "Alles Gute zum Geburtstag von {{ store.name }}!",
                    "Gönnen Sie sich etwas: Mit diesem Code sparen Sie 7 Tage lang 20 %.",
                )
                + "{% voucher_code %}",
            },
        ),
        exit_(),
    ),
    # 300 days: once a year, with slack for a date field edited mid-year.
    settings={"priority": Priority.DEFAULT, "reentry": "once_per_days", "reentry_days": 300},
)
