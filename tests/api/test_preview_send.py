"""nodePreview and messageTestSend: a send node's message rendered for a contact or sample
data, and sent to an address as a test, within the installation's limit."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from strawberry.relay import to_base64

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
from saleor_automation.messaging import send_test_models
from saleor_automation.messaging.models import Message
from saleor_automation.messaging.rendering import MessageIssue, RenderError
from saleor_automation.messaging.send_tests import TEST_SEND_LIMIT
from saleor_automation.stats.models import StatsCounter
from saleor_automation.stats.rollup import stats_rollup
from tests.flows.db_fixtures import TRIGGER, exit_, graph
from tests.messaging.sms.cases import sms_outbox

from .conftest import staff_token

__all__ = ["sms_outbox"]  # fixture used by name

pytestmark = pytest.mark.django_db

SendTest = send_test_models.SendTest
MJML = (
    "<mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text></mj-column></mj-section>"
    '{% checkout_lines title="Your cart" %}'
)
EMAIL = {
    "default_language": "en",
    "variants": {
        "en": {"subject": "{{ first_name }}, your cart", "preheader": "Still there", "mjml": MJML},
        "de": {"subject": "{{ first_name }}, dein Warenkorb", "mjml": MJML},
    },
}
SMS = {"text": "Hi {{ first_name }}, your cart waits"}


def flow_graph(subject: str = "{{ first_name }}, your cart") -> dict:
    content = {**EMAIL, "variants": {**EMAIL["variants"]}}
    content["variants"]["en"] = {**content["variants"]["en"], "subject": subject}
    return graph(
        [
            TRIGGER,
            ("e1", "send_email", {"message": content}),
            ("t1", "send_sms", {"message": SMS}),
            exit_(),
        ],
        [("trigger", "next", "e1"), ("e1", "next", "t1"), ("t1", "next", "exit")],
    )


@pytest.fixture(autouse=True)
def anymail_backend(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def flow(installation):
    flow = flow_create(installation=installation, name="Cart")
    flow_save_draft(flow=flow, graph=flow_graph(), settings={})
    flow_activate(flow=flow)
    return flow


@pytest.fixture
def ann(installation, flow):
    """A contact who entered the flow for a checkout of hers."""
    contact = Contact.objects.create(
        installation=installation, email="ann@example.com", first_name="Ann", phone="+33612345678"
    )
    Enrollment.objects.create(
        installation=installation,
        flow=flow,
        version_id=flow.active_version_id,
        contact=contact,
        current_node="exit",
        status=EnrollmentStatus.FINISHED,
        context={
            "checkout": {
                "token": "t-1",
                "currency": "EUR",
                "total": "30.00",
                "subtotal": "30.00",
                "quantity": 1,
                "lines_count": 1,
                "lines": [
                    {
                        "product_name": "Blue Kettle",
                        "variant_name": "1 l",
                        "quantity": 1,
                        "unit_price": "30.00",
                        "total_price": "30.00",
                    }
                ],
            }
        },
    )
    return contact


PREVIEW = """query($flow: ID!, $node: String!, $email: String, $language: String, $draft: Boolean,
               $content: JSON, $channel: MessageChannel) {
  nodePreview(flowId: $flow, nodeId: $node, contactEmail: $email, language: $language,
              draft: $draft, content: $content, channel: $channel) {
    nodeId channel versionNumber sample language subject preheader html text
    segments { encoding characters segments perSegment nonGsm }
    issues { field line message } } }"""

SEND = """mutation($input: MessageTestSendInput!) { messageTestSend(input: $input) {
  __typename ... on MessageTestSendResult { channel providerMessageId }
  ... on OperationInfo { messages { field message code } } } }"""


def preview(call, flow, node="e1", **variables):
    return call(PREVIEW, {"flow": to_base64("Flow", flow.pk), "node": node, **variables})


def send(call, flow, node="e1", to="writer@shop.example.com", **fields):
    data = {"flowId": to_base64("Flow", flow.pk), "nodeId": node, "to": to, **fields}
    return call(SEND, {"input": data})


def test_preview_with_sample_data(as_staff, flow):
    result = preview(as_staff, flow).data["nodePreview"]
    assert result["channel"] == "EMAIL" and result["sample"] is True
    assert result["subject"] == "Alex, your cart"  # sample_render_context's contact
    assert result["preheader"] == "Still there"
    assert "Sample product" in result["html"] and "Hi Alex" in result["text"]
    assert (result["segments"], result["issues"], result["versionNumber"]) == (None, [], 1)


def test_preview_for_a_contact_uses_their_names_and_their_enrollment(as_staff, flow, ann):
    result = preview(as_staff, flow, email="ANN@example.com").data["nodePreview"]
    assert result["sample"] is False
    assert result["subject"] == "Ann, your cart"
    assert "Blue Kettle" in result["html"] and "Sample product" not in result["html"]
    german = preview(as_staff, flow, email="ann@example.com", language="de").data["nodePreview"]
    assert (german["language"], german["subject"]) == ("de", "Ann, dein Warenkorb")


def test_a_contact_who_never_entered_gets_sample_enrollment_data(as_staff, flow, installation):
    Contact.objects.create(installation=installation, email="bo@example.com", first_name="Bo")
    result = preview(as_staff, flow, email="bo@example.com").data["nodePreview"]
    assert result["sample"] is True and result["subject"] == "Bo, your cart"
    assert "Sample product" in result["html"]


def test_preview_of_the_draft_or_the_active_version(as_staff, flow):
    flow_save_draft(flow=flow, graph=flow_graph("New: {{ first_name }}"), settings={})
    draft = preview(as_staff, flow).data["nodePreview"]
    active = preview(as_staff, flow, draft=False).data["nodePreview"]
    assert (draft["subject"], draft["versionNumber"]) == ("New: Alex", 2)
    assert (active["subject"], active["versionNumber"]) == ("Alex, your cart", 1)


def test_preview_of_unsaved_content(as_staff, flow, ann):
    typed = {"subject": "Typed for {{ first_name }}", "mjml": MJML}
    result = preview(as_staff, flow, email="ann@example.com", content=typed).data["nodePreview"]
    assert (result["channel"], result["subject"]) == ("EMAIL", "Typed for Ann")
    assert "Blue Kettle" in result["html"]
    # A node not saved yet: its channel comes with the content.
    sms = preview(
        as_staff, flow, node="new1", content={"text": "Psst {{ first_name }} €"}, channel="SMS"
    ).data["nodePreview"]
    assert (sms["channel"], sms["text"]) == ("SMS", "Psst Alex €")
    assert sms["segments"]["characters"] == 12  # 10 + the euro sign: an escape and a septet
    without_channel = preview(as_staff, flow, node="new1", content={"text": "x"})
    assert "No node 'new1'" in without_channel.body["errors"][0]["message"]
    broken = preview(as_staff, flow, content={"subject": "{% if %}", "mjml": MJML})
    assert broken.data["nodePreview"]["issues"] and broken.data["nodePreview"]["subject"] == ""
    not_an_object = preview(as_staff, flow, content=["x"]).body["errors"][0]["message"]
    assert "object" in not_an_object


def test_sms_preview_counts_segments(as_staff, flow, ann):
    result = preview(as_staff, flow, node="t1", email="ann@example.com").data["nodePreview"]
    assert result["channel"] == "SMS" and result["text"] == "Hi Ann, your cart waits"
    assert result["segments"] == {
        "encoding": "GSM-7",
        "characters": 23,
        "segments": 1,
        "perSegment": 160,
        "nonGsm": [],
    }
    assert (result["subject"], result["html"]) == ("", "")


def test_content_that_does_not_render_comes_back_as_issues(as_staff, flow):
    error = RenderError([MessageIssue("variants.en.subject", 1, "unknown tag")])
    with mock.patch("saleor_automation.flows.preview.message_preview", side_effect=error):
        result = preview(as_staff, flow).data["nodePreview"]
    assert result["issues"] == [
        {"field": "variants.en.subject", "line": 1, "message": "unknown tag"}
    ]
    assert (result["subject"], result["html"]) == ("", "")


def test_preview_refusals(as_staff, flow, other_installation):
    assert "does not send" in preview(as_staff, flow, node="trigger").body["errors"][0]["message"]
    assert "No node 'nope'" in preview(as_staff, flow, node="nope").body["errors"][0]["message"]
    missing = preview(as_staff, flow, email="nobody@example.com").body["errors"][0]["message"]
    assert missing == "Contact not found."
    # Another store's contact is "not found" too.
    Contact.objects.create(installation=other_installation, email="eve@example.com")
    other = preview(as_staff, flow, email="eve@example.com").body["errors"][0]["message"]
    assert other == "Contact not found."


def test_another_store_cannot_preview_or_send(
    gql, flow, ann, other_installation, other_signing_key
):
    token = staff_token(other_signing_key, other_installation)

    def b(query, variables):
        return gql(query, variables, token=token, api_url=other_installation.saleor_api_url)

    assert preview(b, flow, email="ann@example.com").data["nodePreview"] is None
    answer = send(b, flow, contactEmail="ann@example.com").data["messageTestSend"]
    assert answer["messages"][0]["message"] == "Flow not found."
    assert mail.outbox == [] and not SendTest.objects.exists()


def test_test_send_email(as_staff, flow, ann, installation):
    result = send(as_staff, flow, contactEmail="ann@example.com").data["messageTestSend"]
    assert result == {
        "__typename": "MessageTestSendResult",
        "channel": "EMAIL",
        "providerMessageId": "0",
    }
    (sent,) = mail.outbox
    params = sent.anymail_test_params
    assert params["subject"] == "[Test] Ann, your cart"
    assert [str(a) for a in params["to"]] == ["writer@shop.example.com"]
    assert "Blue Kettle" in params["html_body"] and params["tags"] == ["test"]
    # Not an outbox message: nothing for stats to count, nothing under the cap.
    assert not Message.objects.exists()
    stats_rollup(settle=False)
    assert not StatsCounter.objects.exists()
    assert SendTest.objects.filter(installation=installation, channel="email").count() == 1


def test_test_send_of_unsaved_content(as_staff, flow, sms_outbox):
    typed = {"subject": "Typed {{ first_name }}", "mjml": MJML}
    send(as_staff, flow, content=typed)
    assert mail.outbox[0].anymail_test_params["subject"] == "[Test] Typed Alex"
    result = send(
        as_staff, flow, node="new1", to="+33612345679", content={"text": "New"}, channel="SMS"
    ).data["messageTestSend"]
    assert result["channel"] == "SMS" and sms_outbox[0].body == "[Test] New"


def test_test_send_sms(as_staff, flow, sms_outbox):
    result = send(as_staff, flow, node="t1", to="+33 6 12 34 56 79").data["messageTestSend"]
    assert result["channel"] == "SMS"
    (sent,) = sms_outbox
    assert sent.to == "+33612345679"
    assert sent.body == "[Test] Hi Alex, your cart waits"
    assert sent.status_callback is None and sent.metadata == {}


def test_test_send_refusals(as_staff, flow):
    bad_email = send(as_staff, flow, to="not an address").data["messageTestSend"]
    assert bad_email["messages"][0]["code"] == "invalid"
    bad_phone = send(as_staff, flow, node="t1", to="12").data["messageTestSend"]
    assert bad_phone["messages"][0]["field"] == "to"
    wrong_node = send(as_staff, flow, node="exit").data["messageTestSend"]
    assert wrong_node["messages"][0]["field"] == "nodeId"
    unknown = send(as_staff, flow, contactEmail="nobody@example.com").data["messageTestSend"]
    assert unknown["messages"][0]["message"] == "Contact not found."
    assert mail.outbox == [] and not SendTest.objects.exists()  # refusals cost nothing


def test_a_channel_failure_is_reported_without_the_address(as_staff, flow, caplog):
    with mock.patch(
        "saleor_automation.flows.preview.message_test_send", side_effect=OSError("smtp down")
    ):
        result = send(as_staff, flow).data["messageTestSend"]
    assert result["messages"][0] == {
        "field": None,
        "message": "The message could not be sent (OSError).",
        "code": "send_failed",
    }
    assert "writer@shop.example.com" not in caplog.text
    assert SendTest.objects.count() == 1  # a failed try still counts against the limit


def test_test_sends_are_limited_per_installation(as_staff, flow, installation, other_installation):
    now = timezone.now()
    SendTest.objects.bulk_create(
        SendTest(installation=installation, channel="email", created_at=now - timedelta(minutes=30))
        for _ in range(TEST_SEND_LIMIT)
    )
    SendTest.objects.bulk_create(
        SendTest(installation=other_installation, channel="email", created_at=now)
        for _ in range(TEST_SEND_LIMIT)
    )
    refused = send(as_staff, flow).data["messageTestSend"]
    assert refused["messages"][0]["code"] == "rate_limited"
    assert "At most 20 test sends in 60 minutes" in refused["messages"][0]["message"]
    assert mail.outbox == []
    # An hour after those sends, the window has room again.
    SendTest.objects.filter(installation=installation).update(
        created_at=now - timedelta(minutes=61)
    )
    assert send(as_staff, flow).data["messageTestSend"]["__typename"] == "MessageTestSendResult"
    assert len(mail.outbox) == 1


def test_permissions(as_staff, gql, key_of, flow):
    read, write = key_of("read"), key_of("read_write")
    assert gql(PREVIEW, {"flow": to_base64("Flow", flow.pk), "node": "e1"}, api_key=read).data
    denied = send(lambda q, v: gql(q, v, api_key=read), flow)
    assert denied.codes == ["FORBIDDEN"] and mail.outbox == []
    allowed = send(lambda q, v: gql(q, v, api_key=write), flow).data["messageTestSend"]
    assert allowed["__typename"] == "MessageTestSendResult"
    no_perm = preview(lambda q, v: as_staff(q, v, permissions=["MANAGE_APPS"]), flow)
    assert no_perm.codes == ["FORBIDDEN"]
    assert send(gql, flow).status == 401
