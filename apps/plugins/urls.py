"""URLs of the plugin platform, mounted by config.urls_tenant and config.urls_public."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from apps.plugins import views
from apps.plugins.api import views as api

router = SimpleRouter()
router.register("plugins/installations", api.InstallationViewSet, basename="plugin-installation")

gym_api: list[URLPattern | URLResolver] = [
    path("plugins/catalogue/", api.GymCatalogueView.as_view(), name="api-plugin-catalogue"),
    path("plugins/notices/", api.NoticeListView.as_view(), name="api-plugin-notices"),
    path("", include(router.urls)),
]

gym_pages: list[URLPattern | URLResolver] = [
    path("plugins/", views.gym_plugins, name="plugins"),
    path("plugins/<uuid:installation_id>/", views.gym_plugin_detail, name="plugin-detail"),
]

public_api: list[URLPattern | URLResolver] = [
    path("plugins/", api.PublicCatalogueView.as_view(), name="api-plugins-public"),
    path("plugins/validate/", api.ValidateView.as_view(), name="api-plugins-validate"),
]

public_pages: list[URLPattern | URLResolver] = [
    path("plugins/", views.public_catalogue, name="plugins-catalogue"),
    path("plugins/metrics", views.prometheus_metrics, name="plugins-metrics"),
]

# Inside the Django admin (staff only, admin sign-in); mounted before ``admin.site.urls``.
admin_pages: list[URLPattern | URLResolver] = [
    path(
        "admin/plugins/monitoring/", admin.site.admin_view(views.staff_monitoring), name="plugins-monitoring"
    ),
    path(
        "admin/plugins/compliance/", admin.site.admin_view(views.staff_compliance), name="plugins-compliance"
    ),
]
