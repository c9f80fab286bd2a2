"""URLs. Saleor never follows redirects, so every Saleor-facing path is exact (APPEND_SLASH
is off and the manifest names each URL verbatim)."""

from django.urls import include, path, re_path

from .api.views import graphql_view
from .messaging import views as messaging_views
from .messaging.confirm import views as confirm_views
from .messaging.unsubscribe import views as unsubscribe_views
from .saleor import views as saleor_views

urlpatterns = [
    path("api/manifest", saleor_views.manifest, name="manifest"),
    path("api/register", saleor_views.register, name="register"),
    path("api/webhooks/<slug:identifier>", saleor_views.webhook, name="webhook"),
    path("static/logo-512.png", saleor_views.logo, name="logo"),
    # The app's own GraphQL API (the dashboard page and API keys); exact path, POST only.
    path("graphql/", graphql_view, name="graphql"),
    # CSV exports of a flow, authenticated like graphql/ (api/exports).
    path("api/flows/", include("saleor_automation.api.exports.urls")),
    path("healthz", saleor_views.healthz, name="healthz"),
    # The dashboard extension (one page app): built assets, then index.html for every route
    # under appUrl. The dashboard joins the app page's relative URL (/flows) to appUrl in
    # ways that vary by version (…/dashboard/flows, …/dashboard//flows, …/flows): all work.
    path("dashboard/assets/<path:name>", saleor_views.dashboard_asset, name="dashboard-asset"),
    path("dashboard/", saleor_views.dashboard, name="dashboard"),
    re_path(r"^dashboard/+(?P<route>.+)$", saleor_views.dashboard, name="dashboard-route"),
    path("flows", saleor_views.dashboard, name="flows"),
    re_path(r"^flows/(?P<route>.+)$", saleor_views.dashboard, name="flows-route"),
    # The recipient's links: a token each, signed by the app (messaging.unsubscribe, .links).
    path("u/<str:token>", unsubscribe_views.unsubscribe, name="unsubscribe"),
    path("p/<str:token>", unsubscribe_views.preferences, name="preferences"),
    path("r/<str:token>", messaging_views.click_redirect, name="click"),
    path("confirm/<str:token>", confirm_views.confirm, name="confirm"),
    # ESP tracking webhooks: webhooks/esp/<esp>/tracking/ (messaging.tracking.urls).
    path("webhooks/esp/", include("saleor_automation.messaging.tracking.urls")),
    # SMS provider webhooks: webhooks/sms/<provider>/<key>/{status,inbound} (messaging.sms).
    path("webhooks/sms/", include("saleor_automation.messaging.sms.urls")),
]
