"""URLs. Saleor never follows redirects, so every Saleor-facing path is exact (APPEND_SLASH
is off and the manifest names each URL verbatim)."""

from django.urls import include, path

from .api.views import graphql_view
from .messaging import views as messaging_views
from .messaging.unsubscribe import views as unsubscribe_views
from .saleor import views as saleor_views

urlpatterns = [
    path("api/manifest", saleor_views.manifest, name="manifest"),
    path("api/register", saleor_views.register, name="register"),
    path("api/webhooks/<slug:identifier>", saleor_views.webhook, name="webhook"),
    path("static/logo-512.png", saleor_views.logo, name="logo"),
    # The app's own GraphQL API (the dashboard page and API keys); exact path, POST only.
    path("graphql/", graphql_view, name="graphql"),
    path("healthz", saleor_views.healthz, name="healthz"),
    path("dashboard/", saleor_views.dashboard_placeholder, name="dashboard"),
    path("flows", saleor_views.dashboard_placeholder, name="flows"),
    # The recipient's links: a token each, signed by the app (messaging.unsubscribe, .links).
    path("u/<str:token>", unsubscribe_views.unsubscribe, name="unsubscribe"),
    path("p/<str:token>", unsubscribe_views.preferences, name="preferences"),
    path("r/<str:token>", messaging_views.click_redirect, name="click"),
    # ESP tracking webhooks: webhooks/esp/<esp>/tracking/ (messaging.tracking.urls).
    path("webhooks/esp/", include("saleor_automation.messaging.tracking.urls")),
    # SMS provider webhooks: webhooks/sms/<provider>/<key>/{status,inbound} (messaging.sms).
    path("webhooks/sms/", include("saleor_automation.messaging.sms.urls")),
]
