"""SMS provider webhooks, mounted at webhooks/sms/ (saleor_automation/urls.py).

    webhooks/sms/twilio/<webhook_key>/status    delivery reports (sms:twilio-status)
    webhooks/sms/twilio/<webhook_key>/inbound   replies, STOP/START (sms:twilio-inbound)

<webhook_key> is the installation's random SmsConfig.webhook_key: no guessable id in URLs.
Exact paths, no trailing slash: the signature covers the URL as the app gave it.
"""

from django.urls import path

from .webhooks.twilio import TwilioInboundWebhookView, TwilioTrackingWebhookView

app_name = "sms"
urlpatterns = [
    path(
        "twilio/<str:webhook_key>/status",
        TwilioTrackingWebhookView.as_view(),
        name="twilio-status",
    ),
    path(
        "twilio/<str:webhook_key>/inbound",
        TwilioInboundWebhookView.as_view(),
        name="twilio-inbound",
    ),
]
