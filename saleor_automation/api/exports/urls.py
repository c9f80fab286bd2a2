"""The CSV exports under api/flows/ (a flow's GraphQL id may hold "/": a path converter)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<path:flow_id>/stats.csv", views.flow_stats_csv, name="flow_stats_csv"),
    path("<path:flow_id>/recipients.csv", views.flow_recipients_csv, name="flow_recipients_csv"),
]
