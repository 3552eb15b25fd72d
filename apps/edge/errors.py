"""Error responses that leak nothing: no stack traces, no ids echoed, no health data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from apps.common.context import request_id_var

_MESSAGES = {
    400: ("bad_request", "The request could not be understood."),
    403: ("forbidden", "You do not have permission to do this."),
    404: ("not_found", "Not found."),
    500: ("server_error", "Something went wrong on our side. It has been logged."),
    503: (
        "decryption_failed",
        "This record cannot be decrypted right now; the platform team has been alerted.",
    ),
}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def error_body(status: int, message: str | None = None, **extra: Any) -> dict[str, Any]:
    code, default = _MESSAGES.get(status, ("error", "Error."))
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message or default,
            "request_id": request_id_var.get(),
            **extra,
        }
    }


def error_response(request: HttpRequest, status: int) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(status), status=status)
    template = loader.get_template(f"errors/{status}.html")
    body = template.render({"status": status, "request_id": request_id_var.get()})
    return HttpResponse(body, status=status)


def not_found_response(request: HttpRequest) -> HttpResponse:
    return error_response(request, 404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)
