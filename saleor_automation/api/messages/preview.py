"""A send node's message previewed for a contact (nodePreview, read) and sent to an address
as a test (messageTestSend, write; limited per installation, see messaging.send_tests)."""

import logging

import strawberry
import strawberry_django
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from strawberry import relay
from strawberry.scalars import JSON

from ...flows.preview import NodePreview, node_preview, node_test_send
from ...messaging.rendering import MessageIssue
from ...messaging.sms.segments import SegmentInfo
from ..context import Info
from ..errors import not_found
from ..flows.lookup import flow_or_none
from ..permissions import READ, WRITE
from .types import MessageChannelEnum

logger = logging.getLogger(__name__)


@strawberry.type(name="SmsSegments")
class SmsSegmentsType:
    """How the text goes over the air: encoding (GSM-7 or UCS-2), its length in septets or
    UTF-16 units, the number of parts and the per-part limit that applied; `nonGsm` lists
    the characters that forced UCS-2."""

    encoding: str
    characters: int
    segments: int
    per_segment: int
    non_gsm: list[str]

    @classmethod
    def of(cls, info: SegmentInfo) -> "SmsSegmentsType":
        return cls(
            encoding=info.encoding,
            characters=info.characters,
            segments=info.segments,
            per_segment=info.per_segment,
            non_gsm=list(info.non_gsm),
        )


@strawberry.type(name="MessageIssue")
class MessageIssueType:
    """A problem of message content: `field` is a path into it ("variants.de.mjml"),
    `line` the line of that field when known."""

    field: str
    line: int | None
    message: str

    @classmethod
    def of(cls, issue: MessageIssue) -> "MessageIssueType":
        return cls(field=issue.field, line=issue.line, message=issue.message)


@strawberry.type(name="NodePreview")
class NodePreviewType:
    """A send node's message as the contact would get it. Email fills subject, preheader,
    html and text; SMS fills text and segments. Content that does not render leaves them
    empty and lists `issues`. `sample`: sample enrollment data (a checkout, an order...)
    stood in, because no contact was given or the contact never entered the flow."""

    node_id: str
    channel: MessageChannelEnum
    version_number: int
    sample: bool
    language: str
    subject: str
    preheader: str
    html: str
    text: str
    segments: SmsSegmentsType | None
    issues: list[MessageIssueType]

    @classmethod
    def of(cls, preview: NodePreview) -> "NodePreviewType":
        return cls(
            node_id=preview.node_id,
            channel=MessageChannelEnum(preview.channel),
            version_number=preview.version_number,
            sample=preview.sample,
            language=preview.language,
            subject=preview.subject,
            preheader=preview.preheader,
            html=preview.html,
            text=preview.text,
            segments=SmsSegmentsType.of(preview.segments) if preview.segments else None,
            issues=[MessageIssueType.of(issue) for issue in preview.issues],
        )


@strawberry.input(name="MessageTestSendInput")
class MessageTestSendInput:
    flow_id: relay.GlobalID
    node_id: str
    to: str = strawberry.field(description="An email address or a phone number.")
    contact_email: str | None = strawberry.field(
        default=None, description="Render for this contact (default: sample data)."
    )
    language: str | None = None
    draft: bool = strawberry.field(
        default=True, description="The draft's node (the active version's when false)."
    )
    content: JSON | None = strawberry.field(
        default=None, description="Unsaved content to send in the node's place."
    )
    channel: MessageChannelEnum | None = strawberry.field(
        default=None, description="With content for a node not saved yet."
    )


@strawberry.type(name="MessageTestSendResult")
class MessageTestSendResultType:
    channel: MessageChannelEnum
    provider_message_id: str


@strawberry.type
class Query:
    @strawberry.field(extensions=READ())
    def node_preview(
        self,
        info: Info,
        flow_id: relay.GlobalID,
        node_id: str,
        contact_email: str | None = None,
        language: str | None = None,
        draft: bool = True,
        content: JSON | None = None,
        channel: MessageChannelEnum | None = None,
    ) -> NodePreviewType | None:
        """A send node of the flow's draft (or, with `draft: false` or no draft, of its
        active version) rendered for the contact with this email, or for sample data.
        `content` renders unsaved message content in the node's place (an editor's live
        preview); `channel` is needed only for a node not saved yet. Null for an unknown
        flow."""
        flow = flow_or_none(info, flow_id)
        if flow is None:
            return None
        preview = node_preview(
            installation=info.context.installation,
            flow=flow,
            node_id=node_id,
            contact_email=contact_email,
            language=language or "",
            draft=draft,
            content=content,
            channel=channel.value if channel is not None else None,
        )
        return NodePreviewType.of(preview)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def message_test_send(
        self, info: Info, input: MessageTestSendInput
    ) -> MessageTestSendResultType:
        """Send a node's message to an address now, marked as a test ("[Test] " before the
        subject or text): no tracking, no frequency cap, not in any stats. At most 20 an
        hour per installation."""
        flow = flow_or_none(info, input.flow_id)
        if flow is None:
            raise not_found("Flow")
        try:
            sent = node_test_send(
                installation=info.context.installation,
                flow=flow,
                node_id=input.node_id,
                to=input.to,
                contact_email=input.contact_email,
                language=input.language or "",
                draft=input.draft,
                content=input.content,
                channel=input.channel.value if input.channel is not None else None,
            )
        except (ValidationError, ObjectDoesNotExist):
            raise
        except Exception as error:
            # The channel refused or failed (ESP, SMTP, SMS provider): the caller learns it
            # did not go out; the log gets the error's type, never the address.
            logger.warning("test send failed: %s", type(error).__name__)
            raise ValidationError(
                f"The message could not be sent ({type(error).__name__}).", code="send_failed"
            ) from error
        return MessageTestSendResultType(
            channel=MessageChannelEnum(sent.channel), provider_message_id=sent.provider_message_id
        )
