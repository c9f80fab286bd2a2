"""The click redirect, `r/<token>`: verify, record the click, 302 to the signed target."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .links import ExpiredLink, InvalidLink, click_record, tracked_link_read
from .models import Message

logger = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "HEAD"])
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """A forged token gets a 400 page; an expired one a page linking to the target's site
    root (never the target: it may hold a secret, like a checkout id); a valid one is
    recorded and redirected. A HEAD (link checkers, previews) redirects without counting."""
    try:
        link = tracked_link_read(token)
    except ExpiredLink as expired:
        return render(
            request, "saleor_automation/link_expired.html", {"home": expired.home}, status=410
        )
    except InvalidLink:
        return render(request, "saleor_automation/link_invalid.html", status=400)
    if request.method == "GET":
        message = Message.objects.filter(pk=link.message_id).first()
        # An erased contact's message is gone: the genuine link still leads on, uncounted.
        if message is not None:
            event = click_record(message, link.url, at=timezone.now(), product_id=link.product_id)
            if event is not None:
                logger.info("click on message %s recorded", message.pk)
    response = HttpResponseRedirect(link.url)
    # The redirect URL holds the token (and so the target): do not pass it on as Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response
