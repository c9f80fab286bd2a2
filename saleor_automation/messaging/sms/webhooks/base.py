"""The core of every SMS webhook view (anymail's AnymailCoreWebhookView, for SMS).

    SmsCoreWebhookView       find the installation by the URL's key, run every
                             validate_request of the class's MRO, parse_events, send
                             sms_tracking per event in one transaction, answer
    SmsTrackingWebhookView   delivery reports
    SmsInboundWebhookView    replies sent to the store's number (STOP, START, HELP...)
    public_request_url(request) -> str

A validation failure raises SmsWebhookValidationFailure, a SuspiciousOperation: Django
answers 400 and nothing is stored. An unknown key is a 404 before any signature check, so a
stranger learns nothing about which stores exist.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..models import SmsConfig
from ..services import sms_config_by_webhook_key
from ..signals import sms_tracking
from ..status import SmsTrackingEvent

__all__ = [
    "SmsCoreWebhookView",
    "SmsInboundWebhookView",
    "SmsTrackingWebhookView",
    "collect_all_methods",
    "public_request_url",
]


def collect_all_methods(cls: type, name: str) -> list[Callable]:
    """Every definition of `name` along the MRO, base classes first: a mixin's check and
    the view's own both run; none overrides another."""
    return [klass.__dict__[name] for klass in reversed(cls.__mro__) if name in klass.__dict__]


def public_request_url(request: HttpRequest) -> str:
    """The URL the provider called, as the world sees it: APP_BASE_URL plus the path and
    query. Never the Host header, which a proxy rewrites and an attacker can choose; this is
    also how the app built the URL it gave the provider."""
    return settings.APP_BASE_URL + request.get_full_path()


@method_decorator(csrf_exempt, name="dispatch")
class SmsCoreWebhookView(View):
    provider_name: ClassVar[str] = ""
    http_method_names = ["post"]

    def post(self, request: HttpRequest, webhook_key: str) -> HttpResponse:
        config = sms_config_by_webhook_key(webhook_key)
        if config is None:
            raise Http404("unknown webhook")
        for validate in collect_all_methods(type(self), "validate_request"):
            validate(self, request)
        events = self.parse_events(request, config)
        with transaction.atomic():
            for event in events:
                sms_tracking.send(
                    sender=type(self), event=event, provider=self.provider_name.lower()
                )
        return self.response(events)

    def validate_request(self, request: HttpRequest) -> None:
        """Subclasses and mixins add checks (a signature); each raises
        SmsWebhookValidationFailure."""

    def parse_events(self, request: HttpRequest, config: SmsConfig) -> list[SmsTrackingEvent]:
        raise NotImplementedError(f"{type(self).__name__} must implement parse_events")

    def response(self, events: list[SmsTrackingEvent]) -> HttpResponse:
        return HttpResponse(status=200)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponse]:
        if not cls.provider_name:
            raise TypeError(f"{cls.__name__} has no provider_name")
        return super().as_view(**initkwargs)


class SmsTrackingWebhookView(SmsCoreWebhookView):
    """Delivery reports of messages the app sent."""


class SmsInboundWebhookView(SmsCoreWebhookView):
    """Messages people send to the store's number."""
