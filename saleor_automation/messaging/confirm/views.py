"""The confirmation page (`confirm/<token>`): GET shows one button and changes nothing (mail
scanners fetch links), POST confirms. The token is the only credential, as for unsubscribe
links: no login, no cookie, no CSRF token."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...saleor.models import Installation
from .models import ConsentConfirmation
from .services import consent_confirm
from .tokens import InvalidToken, confirm_token_read

TEMPLATE_CONFIRM = "saleor_automation/confirm.html"
TEMPLATE_INVALID = "saleor_automation/link_invalid.html"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subject = confirm_token_read(token)
    except InvalidToken:
        return render(request, TEMPLATE_INVALID, status=400)
    message = subject.message
    if request.method == "POST":
        consent_confirm(message)
    # One column, not the installation row: loading that decrypts its Saleor token.
    shop_name = (
        Installation.objects.filter(pk=message.installation_id)
        .values_list("shop_name", flat=True)
        .first()
    )
    done = ConsentConfirmation.objects.filter(message=message).exists()
    return render(
        request, TEMPLATE_CONFIRM, {"shop_name": shop_name or "", "done": done, "token": token}
    )
