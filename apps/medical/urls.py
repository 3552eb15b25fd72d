"""Health pages on a gym's host."""

from __future__ import annotations

from django.urls import URLPattern, path

from apps.medical import views

urlpatterns: list[URLPattern] = [
    path("", views.my_record, name="medical-page-record"),
    path("screening/", views.screening, name="medical-page-screening"),
    path("clients/", views.clients, name="medical-page-clients"),
    path("export.<str:fmt>", views.my_export, name="medical-page-export"),
]
