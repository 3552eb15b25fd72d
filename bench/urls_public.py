"""The public host's real URLs plus the bare view (see bench/urls_tenant.py)."""

from django.urls import path

from bench.views import bare
from config.urls_public import handler400, handler403, handler404, handler500
from config.urls_public import urlpatterns as real_urlpatterns

urlpatterns = [
    path("api/bench/bare/", bare, name="bench-bare-api"),
    path("bench/bare/", bare, name="bench-bare"),
    *real_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
