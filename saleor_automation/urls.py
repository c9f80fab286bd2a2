"""URLs. Saleor never follows redirects, so every Saleor-facing path is exact (APPEND_SLASH
is off and the manifest names each URL verbatim)."""

from django.urls import path

from .saleor import views as saleor_views

urlpatterns = [
    path("api/manifest", saleor_views.manifest, name="manifest"),
    path("api/register", saleor_views.register, name="register"),
    path("api/webhooks/<slug:identifier>", saleor_views.webhook, name="webhook"),
    path("static/logo-512.png", saleor_views.logo, name="logo"),
    path("healthz", saleor_views.healthz, name="healthz"),
    path("dashboard/", saleor_views.dashboard_placeholder, name="dashboard"),
    path("flows", saleor_views.dashboard_placeholder, name="flows"),
]
