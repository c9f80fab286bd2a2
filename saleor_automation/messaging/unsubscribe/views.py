"""The recipient's pages: unsubscribe (`u/<token>`) and preferences (`p/<token>`).

The token is the only credential: no login, no cookie, no CSRF token (RFC 8058: a mail
client's one-click POST carries none, and a token only the recipient has protects the POST
as a CSRF token would). A GET never changes anything, because link scanners fetch links.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...saleor.models import Installation
from ..models import Message, MessageChannel, MessageEventKind
from ..suppression import suppression_add, suppression_reasons, suppression_remove
from ..suppression_models import SuppressionReason
from ..tracking.events import message_event_record
from .tokens import InvalidToken, UnsubscribeSubject, unsubscribe_token_read

TEMPLATE_UNSUBSCRIBE = "saleor_automation/unsubscribe.html"
TEMPLATE_PREFERENCES = "saleor_automation/preferences.html"
TEMPLATE_INVALID = "saleor_automation/link_invalid.html"
# The reasons a recipient can lift from the preferences page: their own opt-outs. A hard
# bounce or a manual block is not theirs to lift; an SMS STOP is undone by replying START.
RESUBSCRIBE_REASONS = {
    MessageChannel.EMAIL: [SuppressionReason.UNSUBSCRIBED, SuppressionReason.COMPLAINT],
    MessageChannel.SMS: [SuppressionReason.UNSUBSCRIBED],
}
CHANNEL_LABELS = {MessageChannel.EMAIL: "Email", MessageChannel.SMS: "Text messages (SMS)"}


def _shop_name(subject: UnsubscribeSubject) -> str:
    # One column, not the installation row: loading that decrypts its Saleor token, which a
    # recipient's page has no use for.
    names = Installation.objects.filter(pk=subject.message.installation_id)
    return names.values_list("shop_name", flat=True).first() or ""


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATE_INVALID, status=400)


def _mask(channel: str, address: str) -> str:
    """Enough of the address to recognise it, not enough to learn it from a shared link."""
    if channel == MessageChannel.SMS:
        return f"••• {address[-3:]}" if len(address) > 3 else "•••"
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def _unsubscribe(subject: UnsubscribeSubject, source: str) -> bool:
    """Suppress the subject's address for marketing; True when it was not already."""
    message = subject.message
    created = suppression_add(
        message.installation_id,
        subject.channel,
        subject.address,
        SuppressionReason.UNSUBSCRIBED,
        source=source,
        contact_id=message.contact_id,
    )
    # Per message too, so stats can count unsubscribes per flow step (stored once).
    message_event_record(
        message,
        MessageEventKind.UNSUBSCRIBED,
        occurred_at=timezone.now(),
        dedupe_key="app:unsubscribe",
        data={"source": source},
    )
    return created


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button. POST: unsubscribe, whatever the body (RFC 8058's
    "List-Unsubscribe=One-Click" from a mail client, or the page's own button); doing it
    twice is the same as once."""
    try:
        subject = unsubscribe_token_read(token)
    except InvalidToken:
        return _invalid(request)
    done = False
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        _unsubscribe(subject, "one_click" if one_click else "unsubscribe_page")
        done = True
    already = SuppressionReason.UNSUBSCRIBED in suppression_reasons(
        subject.message.installation_id, subject.channel, subject.address
    )
    return render(
        request,
        TEMPLATE_UNSUBSCRIBE,
        {
            "shop_name": _shop_name(subject),
            "address": _mask(subject.channel, subject.address),
            "channel": CHANNEL_LABELS.get(subject.channel, subject.channel),
            "done": done or already,
            "token": token,
        },
    )


def _channel_rows(subject: UnsubscribeSubject) -> list[dict[str, object]]:
    """One row per channel the contact has an address on: the token's own, and the latest
    address of the contact's messages on the other channels."""
    message = subject.message
    addresses = {subject.channel: subject.address}
    for channel in MessageChannel.values:
        if channel in addresses:
            continue
        latest = (
            Message.objects.filter(
                installation_id=message.installation_id,
                contact_id=message.contact_id,
                channel=channel,
            )
            .order_by("-pk")
            .values_list("to_address", flat=True)
            .first()
        )
        if latest:
            addresses[channel] = latest
    rows = []
    for channel, address in addresses.items():
        reasons = suppression_reasons(message.installation_id, channel, address)
        blocked = sorted(r for r in reasons if r not in RESUBSCRIBE_REASONS[channel])
        rows.append(
            {
                "channel": channel,
                "label": CHANNEL_LABELS.get(channel, channel),
                "address": address,
                "masked": _mask(channel, address),
                "subscribed": not reasons,
                # Not the recipient's to change here: a bounce, a block, an SMS STOP.
                "blocked": blocked,
            }
        )
    return rows


def _preferences_apply(request: HttpRequest, subject: UnsubscribeSubject) -> None:
    message = subject.message
    everything_off = request.POST.get("action") == "unsubscribe_all"
    for row in _channel_rows(subject):
        if row["blocked"]:
            # Its checkbox is disabled (so absent from the form): leave it as it is, or an
            # SMS STOP later undone by START would leave an unsubscribe behind.
            continue
        channel, address = str(row["channel"]), str(row["address"])
        wanted = not everything_off and request.POST.get(f"marketing_{channel}") == "on"
        if wanted:
            suppression_remove(
                message.installation_id,
                channel,
                address,
                RESUBSCRIBE_REASONS[channel],
                source="preferences",
                contact_id=message.contact_id,
            )
        else:
            suppression_add(
                message.installation_id,
                channel,
                address,
                SuppressionReason.UNSUBSCRIBED,
                source="preferences",
                contact_id=message.contact_id,
            )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """Marketing on or off, per channel, for the store that sent the message."""
    try:
        subject = unsubscribe_token_read(token)
    except InvalidToken:
        return _invalid(request)
    saved = False
    if request.method == "POST":
        _preferences_apply(request, subject)
        saved = True
    return render(
        request,
        TEMPLATE_PREFERENCES,
        {
            "shop_name": _shop_name(subject),
            "rows": _channel_rows(subject),
            "saved": saved,
            "token": token,
        },
    )
