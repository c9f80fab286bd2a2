"""flowEnrollContact: one contact into an active flow now (the dashboard's order action),
through the flow's own entry gate."""

from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from saleor_automation.contacts.models import Contact, Order
from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.services import flow_activate
from saleor_automation.flows.templates import flow_create_from_template

pytestmark = pytest.mark.django_db

ENROLL = """
mutation($flow: ID!, $email: String, $customer: String, $order: String) {
  flowEnrollContact(flowId: $flow, email: $email, customerId: $customer, orderId: $order) {
    __typename
    ... on FlowEnrollment { outcome enrollment { entryKey status flow { name } } }
    ... on OperationInfo { messages { message field code } }
  }
}"""
ORDER_ID = "T3JkZXI6MTAwMQ=="
BOB_ID = "VXNlcjo3"


@pytest.fixture
def feedback(installation):
    flow = flow_create_from_template(
        installation=installation, template_key="first_purchase_feedback"
    )
    flow_activate(flow=flow)
    return flow


@pytest.fixture
def bob(installation):
    return Contact.objects.create(
        installation=installation, email="bob@example.com", saleor_user_id=BOB_ID
    )


@pytest.fixture
def order(installation, bob):
    return Order.objects.create(
        installation=installation,
        saleor_id=ORDER_ID,
        number="1001",
        contact=bob,
        email=bob.email,
        status="fulfilled",
        is_paid=True,
        currency="EUR",
        total_gross=Decimal("42.00"),
        subtotal_gross=Decimal("40.00"),
    )


def enroll(as_staff, flow, **args):
    variables = {"flow": to_base64("Flow", flow.pk), **args}
    return as_staff(ENROLL, variables).data["flowEnrollContact"]


def test_the_order_action_enrolls_the_orders_customer_once(as_staff, feedback, order, bob):
    payload = enroll(as_staff, feedback, order=ORDER_ID)
    assert payload["outcome"] == "ENTERED"
    assert payload["enrollment"]["entryKey"] == ORDER_ID
    enrollment = Enrollment.objects.get(flow=feedback)
    assert enrollment.contact_id == bob.pk
    assert enrollment.context["order"]["number"] == "1001"
    assert Decimal(enrollment.context["order"]["total"]) == Decimal("42")
    # The same order again (a second click, or the flow's own trigger): no second enrollment.
    assert enroll(as_staff, feedback, order=ORDER_ID)["outcome"] == "DUPLICATE"
    assert Enrollment.objects.filter(flow=feedback).count() == 1


@pytest.mark.parametrize("by", ["email", "customer"])
def test_enroll_by_email_or_customer_id(as_staff, feedback, bob, by):
    args = {"email": "BOB@example.com"} if by == "email" else {"customer": BOB_ID}
    payload = enroll(as_staff, feedback, **args)
    assert payload["outcome"] == "ENTERED"
    assert payload["enrollment"]["entryKey"].startswith("manual:")
    assert payload["enrollment"]["flow"]["name"] == feedback.name
    assert Enrollment.objects.get(flow=feedback).contact_id == bob.pk


def test_a_draft_flow_takes_nobody(as_staff, installation, bob):
    draft = flow_create_from_template(installation=installation, template_key="welcome_series")
    payload = enroll(as_staff, draft, email=bob.email)
    assert payload["messages"][0]["message"] == "Only an active flow takes contacts."
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"email": "nobody@example.com"}, "Contact not found."),
        ({"order": "T3JkZXI6OTk5"}, "Order not found."),
        ({}, "Give an email, a customerId or an orderId."),
        (
            {"email": "bob@example.com", "customer": BOB_ID},
            "Give at most one of email and customerId.",
        ),
    ],
)
def test_bad_targets_are_refused(as_staff, feedback, bob, args, message):
    payload = enroll(as_staff, feedback, **args)
    assert payload["messages"][0]["message"] == message
    assert not Enrollment.objects.exists()


def test_the_order_must_be_the_contacts(as_staff, installation, feedback, order):
    Contact.objects.create(installation=installation, email="eve@example.com")
    payload = enroll(as_staff, feedback, email="eve@example.com", order=ORDER_ID)
    assert payload["messages"][0]["message"] == "The order belongs to another customer."
    assert not Enrollment.objects.exists()


def test_a_read_key_cannot_enroll(gql, key_of, feedback, bob):
    answer = gql(
        ENROLL, {"flow": to_base64("Flow", feedback.pk), "email": bob.email}, api_key=key_of()
    )
    assert answer.codes == ["FORBIDDEN"]
    assert not Enrollment.objects.exists()
