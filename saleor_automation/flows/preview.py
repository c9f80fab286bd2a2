"""A send node's message as a given contact (or sample data) would get it: previewed, or
sent to an address as a test.

    node_message(*, installation, flow, node_id, draft=True) -> NodeMessage
    node_render_context(*, installation, flow, contact=None, language="") -> (dict, bool)
    node_preview(*, installation, flow, node_id, contact_email=None, language="",
                 draft=True, content=None, channel=None) -> NodePreview
    node_test_send(*, installation, flow, node_id, to, contact_email=None, language="",
                   draft=True, content=None, channel=None, now=None) -> SentTest

The node is read from the raw graph JSON of the draft (falling back to the active version
when there is no draft) or of the active version, so one node previews while the rest of
a draft is still unfinished. A contact's render context is what the engine would store on
a message of theirs: names, language, time zone, and the enrollment data of their latest
entry into this flow - sample data (a filled checkout, an order...) when they never
entered it. A contact is looked up in the caller's installation only: another store's
address is "not found", like an unknown one.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_email

from ..contacts.models import Contact
from ..contacts.selectors import contact_get
from ..messaging.compose import message_preview
from ..messaging.models import MessageChannel
from ..messaging.rendering import (
    MessageIssue,
    RenderError,
    render_context_make,
    sample_render_context,
)
from ..messaging.send_tests import send_test_reserve, sms_test_number, sms_test_send
from ..messaging.sender import email_profile
from ..messaging.services import message_test_send
from ..messaging.sms.exceptions import SmsInvalidNumber
from ..messaging.sms.segments import SegmentInfo, sms_segments
from ..saleor.models import Installation
from .definition import NodeType
from .localtime import contact_timezone
from .models import Enrollment, Flow, FlowVersion, VersionState
from .selectors import contact_views

CHANNELS = {NodeType.SEND_EMAIL: MessageChannel.EMAIL, NodeType.SEND_SMS: MessageChannel.SMS}


@dataclass(frozen=True)
class NodeMessage:
    node_id: str
    channel: str  # MessageChannel
    content: dict[str, Any]
    version_number: int


@dataclass(frozen=True)
class NodePreview:
    node_id: str
    channel: str
    version_number: int
    sample: bool  # rendered with sample enrollment data (no contact, or no entry of theirs)
    language: str = ""
    subject: str = ""
    preheader: str = ""
    html: str = ""
    text: str = ""
    segments: SegmentInfo | None = None  # SMS only
    issues: list[MessageIssue] = field(default_factory=list)  # empty when it rendered


@dataclass(frozen=True)
class SentTest:
    channel: str
    provider_message_id: str


def _version(installation: Installation, flow: Flow, draft: bool) -> FlowVersion:
    versions = FlowVersion.objects.filter(installation=installation, flow=flow)
    version = None
    if draft:
        version = versions.filter(state=VersionState.DRAFT).first()
    if version is None:
        version = versions.filter(state=VersionState.ACTIVE).first()
    if version is None:
        raise ValidationError("The flow has no draft and no active version.", code="invalid")
    return version


def node_message(
    *, installation: Installation, flow: Flow, node_id: str, draft: bool = True
) -> NodeMessage:
    """The message content of a send node. Raises ValidationError for a node that does not
    exist in that version or does not send."""
    version = _version(installation, flow, draft)
    for node in (version.graph or {}).get("nodes") or []:
        if isinstance(node, dict) and node.get("id") == node_id:
            channel = CHANNELS.get(node.get("type"))
            if channel is None:
                raise ValidationError({"nodeId": "The node does not send a message."})
            params = node.get("params")
            content = params.get("message") if isinstance(params, dict) else None
            return NodeMessage(
                node_id=node_id,
                channel=channel,
                content=content if isinstance(content, dict) else {},
                version_number=version.number,
            )
    raise ValidationError({"nodeId": f"No node {node_id!r} in version {version.number}."})


def _message(
    installation: Installation,
    flow: Flow,
    node_id: str,
    draft: bool,
    content: Any,
    channel: str | None,
) -> NodeMessage:
    """The node's saved message, or `content` (unsaved) in its place: on the node's
    channel, or `channel` for a node not saved yet."""
    if content is None:
        return node_message(installation=installation, flow=flow, node_id=node_id, draft=draft)
    if not isinstance(content, dict):
        raise ValidationError({"content": "Message content is an object."}, code="invalid")
    if channel is None:
        saved = node_message(installation=installation, flow=flow, node_id=node_id, draft=draft)
        return replace(saved, content=content)
    if channel not in CHANNELS.values():
        raise ValidationError({"channel": f"Unknown channel {channel!r}."}, code="invalid")
    version = _version(installation, flow, draft)
    return NodeMessage(node_id, channel, content, version.number)


def _contact(installation: Installation, email: str | None) -> Contact | None:
    if email is None:
        return None
    contact = contact_get(installation, email=email)
    if contact is None:
        raise ObjectDoesNotExist("Contact not found.")
    return contact


def node_render_context(
    *, installation: Installation, flow: Flow, contact: Contact | None = None, language: str = ""
) -> tuple[dict[str, Any], bool]:
    """What the node's message is rendered with for `contact` (None: sample data), and
    whether sample enrollment data stood in. `language` overrides the contact's."""
    sample = sample_render_context(language)
    if contact is None:
        return sample, True
    record = contact_views([contact.pk])[contact.pk]
    view = record.view
    latest = (
        Enrollment.objects.filter(installation=installation, flow=flow, contact=contact)
        .order_by("-created_at", "-id")
        .values_list("context", flat=True)
        .first()
    )
    context = latest if latest is not None else sample["context"]
    render_context = render_context_make(
        contact={**record.names, "language": language or view.language, "country": view.country},
        timezone=contact_timezone(view, installation.timezone).key,
        context=context,
    )
    return render_context, latest is None


def node_preview(
    *,
    installation: Installation,
    flow: Flow,
    node_id: str,
    contact_email: str | None = None,
    language: str = "",
    draft: bool = True,
    content: Any = None,
    channel: str | None = None,
) -> NodePreview:
    """The node's message rendered for the contact; content that does not render comes
    back with its issues instead of raising. `content` renders unsaved content (what an
    editor shows while it is typed) in the node's place: its channel is the node's, or
    `channel` for a node not saved yet."""
    message = _message(installation, flow, node_id, draft, content, channel)
    contact = _contact(installation, contact_email)
    render_context, sample = node_render_context(
        installation=installation, flow=flow, contact=contact, language=language
    )
    base = {
        "node_id": node_id,
        "channel": message.channel,
        "version_number": message.version_number,
        "sample": sample,
    }
    try:
        if message.channel == MessageChannel.SMS:
            sms = message_preview(message.content, render_context, channel=MessageChannel.SMS)
            return NodePreview(
                **base, language=sms.language, text=sms.text, segments=sms_segments(sms.text)
            )
        email = message_preview(
            message.content, render_context, profile=email_profile(installation.pk)
        )
    except RenderError as error:
        return NodePreview(**base, issues=error.issues)
    return NodePreview(
        **base,
        language=email.language,
        subject=email.subject,
        preheader=email.preheader,
        html=email.html,
        text=email.text,
    )


def _address(installation: Installation, channel: str, to: str) -> str:
    to = to.strip()
    if channel == MessageChannel.SMS:
        try:
            return sms_test_number(installation_id=installation.pk, to_address=to)
        except SmsInvalidNumber as error:
            raise ValidationError({"to": "Not a valid phone number."}, code="invalid") from error
    validate_email(to)
    return to


def node_test_send(
    *,
    installation: Installation,
    flow: Flow,
    node_id: str,
    to: str,
    contact_email: str | None = None,
    language: str = "",
    draft: bool = True,
    content: Any = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> SentTest:
    """Send the node's message, rendered for the contact, to `to` as a test (see
    messaging.send_tests: counted against the installation's limit, not in any stats).
    Returns the channel and the provider's message id. Raises ValidationError for bad
    input, the limit or content that does not render; the channel's error when nothing
    went out."""
    message = _message(installation, flow, node_id, draft, content, channel)
    to = _address(installation, message.channel, to)
    contact = _contact(installation, contact_email)
    render_context, _ = node_render_context(
        installation=installation, flow=flow, contact=contact, language=language
    )
    # Rendered once before counting: content that cannot render costs no test send.
    try:
        message_preview(message.content, render_context, channel=message.channel)
    except RenderError as error:
        raise ValidationError(str(error), code="render_failed") from error
    send_test_reserve(installation_id=installation.pk, channel=message.channel, now=now)
    send = sms_test_send if message.channel == MessageChannel.SMS else message_test_send
    provider_id = send(
        installation_id=installation.pk,
        content=message.content,
        to_address=to,
        render_context=render_context,
    )
    return SentTest(channel=message.channel, provider_message_id=provider_id)
