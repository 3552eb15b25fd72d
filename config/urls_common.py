"""URL patterns served on every host: health probes and the OpenAPI schema and docs."""

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.edge import views as edge


def common_patterns(urlconf: str) -> list[URLPattern]:
    """Probes and API docs for one host type. The schema is generated from ``urlconf`` (the
    host's own URLs): drf-spectacular would otherwise describe ``ROOT_URLCONF`` everywhere."""
    return [
        path("healthz", edge.healthz, name="healthz"),
        path("readyz", edge.readyz, name="readyz"),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
        path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    ]
