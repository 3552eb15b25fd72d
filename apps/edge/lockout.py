"""What a locked-out client sees (django-axes ``AXES_LOCKOUT_CALLABLE``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from apps.edge.errors import error_body, wants_json
from apps.users.facade import api as users
from apps.users.facade.contracts import SecurityEventKind

LOCKOUT_MESSAGE = "Too many failed sign-in attempts. This account is locked on this network for 30 minutes."


def lockout_response(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    username = str((credentials or {}).get("username", ""))
    route = getattr(request, "tenant", None)
    users.security_event_record(
        kind=SecurityEventKind.LOCKED_OUT,
        username=username,
        gym_id=None if route is None or route.is_public else route.id,
        meta=users.request_meta(request),
    )
    if wants_json(request):
        return JsonResponse(error_body(429, LOCKOUT_MESSAGE, code="locked_out"), status=429)
    body = loader.get_template("errors/locked_out.html").render({"message": LOCKOUT_MESSAGE}, request)
    return HttpResponse(body, status=429)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The account a credential attempt is for, normalised, so ``Ann@X`` and ``ann@x`` share
    one failure counter. Works for the sign-in form (``username``), the API session endpoint
    (``email``) and authenticate() calls (``credentials``)."""
    value: Any = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if not value:
        data: Any = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    return str(value).strip().lower() if value else None
