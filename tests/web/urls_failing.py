"""The gym URLconf plus one view that fails, to see the 500 page through the real handler."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls_tenant import handler400, handler403, handler404, handler500
from config.urls_tenant import urlpatterns as tenant_urls

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure with secret-path and needle")


urlpatterns = [*tenant_urls, path("fail/", fail)]
