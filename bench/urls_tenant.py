"""A gym host's real URLs plus the bare view.

The bare view is mounted twice. ``/api/bench/bare/`` takes exactly the middleware branches of
``/api/v1/members/`` (CORS applies to ``/api/``; MembershipMiddleware lets ``/api/`` through
and leaves authentication to the API), so a ratio against it isolates the API's own cost.
``/bench/bare/`` is for the server without middleware (on a gym host with the full stack an
anonymous visitor of a page is redirected to the sign-in page).
"""

from django.urls import path

from bench.views import bare
from config.urls_tenant import handler400, handler403, handler404, handler500
from config.urls_tenant import urlpatterns as real_urlpatterns

urlpatterns = [
    path("api/bench/bare/", bare, name="bench-bare-api"),
    path("bench/bare/", bare, name="bench-bare"),
    *real_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
