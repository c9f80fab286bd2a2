"""A shop for the builder and stats browser tests: a shopper abandons a cart in the emulated
Saleor (signed webhooks to the live app), and `run(now)` does what the workers would do by
`now` (inbox, pending entries, the tick, the outbox, the stats rollup), in this thread, so
the test decides when the numbers change and the page's poll shows them."""

from datetime import datetime

from django.utils import timezone

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.flows.scheduler import tick
from saleor_automation.flows.triggers.pending import pending_entries_run
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.rollup import stats_rollup
from tests.saleor_emulator import SaleorEmulator

BODY = "<mj-section><mj-column><mj-text>Your cart misses you.</mj-text></mj-column></mj-section>"
# The cart-abandonment flow test_builder builds in the browser (test_stats starts from it).
EXPECTED_GRAPH = {
    "schema_version": 1,
    "nodes": [
        {
            "id": "trigger",
            "type": "trigger",
            "params": {"event": "checkout_abandoned", "idle_minutes": 1},
        },
        {"id": "wait_1", "type": "wait", "params": {"mode": "duration", "minutes": 1}},
        {
            "id": "send_email_1",
            "type": "send_email",
            "params": {
                "message": {
                    "default_language": "en",
                    "variants": {
                        "en": {"subject": "Your cart is waiting", "preheader": "", "mjml": BODY}
                    },
                },
                "marketing": True,
            },
        },
        {"id": "exit", "type": "exit", "params": {}},
    ],
    # The trigger's edge last: the test draws it twice, and the second replaces the first.
    "edges": [
        {"source": "wait_1", "target": "send_email_1", "label": "next"},
        {"source": "send_email_1", "target": "exit", "label": "next"},
        {"source": "trigger", "target": "wait_1", "label": "next"},
    ],
}


class Store:
    def __init__(self, emulator: SaleorEmulator, installation: Installation):
        self.emulator = emulator
        self.installation = installation

    def deliver(self, event: str, subject: dict) -> None:
        delivery = self.emulator.send_event(event, subject)
        assert delivery.status == 200, (event, delivery.status)

    def abandon_cart(self, email: str) -> datetime:
        """A registered shopper who agreed to marketing email fills a cart now and leaves;
        returns when (the checkout's last change)."""
        customer = self.emulator.customer(
            email, first_name="Ana", country="DE", metadata={"marketing_consent": "true"}
        )
        self.deliver("CUSTOMER_CREATED", customer)
        shirt = self.emulator.product("Linen shirt", price=49.0)
        abandoned_at = timezone.now()
        checkout = self.emulator.checkout(user=customer, lines=[(shirt, 1)])
        self.deliver("CHECKOUT_CREATED", checkout)
        return abandoned_at

    def run(self, now: datetime) -> None:
        """Everything due by `now`, until nothing moves; then the counters."""
        for _ in range(10):
            moved = inbox_process_due().processed > 0
            moved |= pending_entries_run(now=now).claimed > 0
            while tick(now) > 0:
                moved = True
            queued = Message.objects.filter(
                installation=self.installation, status=MessageStatus.QUEUED
            ).values_list("pk", flat=True)
            for message_id in list(queued):
                moved |= message_send(message_id, now=now) != MessageStatus.QUEUED
            if not moved:
                break
        stats_rollup(settle=False)


def metric(frame, node_id: str, label: str) -> str:
    """The number shown on a node of the stats graph."""
    return frame.locator(f'[data-testid="numbers-{node_id}"] [data-metric="{label}"]').inner_text()


def wait_for_metric(frame, node_id: str, label: str, value: str) -> None:
    """Until the page's poll shows `value` for the node's metric."""
    selector = f'[data-testid="numbers-{node_id}"] [data-metric="{label}"]'
    frame.wait_for_function(
        "([selector, value]) => document.querySelector(selector)?.textContent === value",
        arg=[selector, value],
    )
