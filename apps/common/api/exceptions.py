"""One JSON error shape for the whole API:

{"error": {"status": 400, "code": "invalid", "message": "...",
           "fields": {"name": ["This field is required."]}, "request_id": "..."}}
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.common.context import request_id_var
from apps.common.crypto import EncryptionError

logger = logging.getLogger(__name__)


class DecryptionUnavailable(exceptions.APIException):
    """Encrypted data could not be decrypted (missing or wrong key, tampered or copied value).
    A server-side condition: the client gets a clear 503 and no partial record."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "decryption_failed"
    default_detail = "This record cannot be decrypted right now; the platform team has been alerted."


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _convert(exc: Exception) -> Exception:
    if isinstance(exc, EncryptionError):
        # The message names the model, field and row (never the value); it goes to the log only.
        logger.error("decryption failed: %s", exc)
        return DecryptionUnavailable()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, SuspiciousOperation):  # includes RequestDataTooBig
        return exceptions.ParseError(str(exc) or "The request is malformed or too large.")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _convert(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's handler500 answers with a JSON body that leaks nothing
    assert isinstance(exc, exceptions.APIException)
    body: dict[str, Any] = {
        "status": response.status_code,
        "code": exc.get_codes() if not isinstance(exc.get_codes(), dict | list) else "invalid",
        "request_id": request_id_var.get(),
    }
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        body["message"] = "Some fields are invalid."
        body["fields"] = _flatten(detail)
        body["code"] = "invalid"
    else:
        body["message"] = str(exc.detail) if not isinstance(exc.detail, dict | list) else _flatten(exc.detail)
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and isinstance(exc, exceptions.Throttled):
        body["retry_after_seconds"] = exc.wait  # type: ignore[attr-defined]
    response.data = {"error": body}
    return response
