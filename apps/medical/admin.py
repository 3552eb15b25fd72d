"""Platform staff's view of health records: structure only, every health value redacted.

The medical tables live in each gym's schema while the admin runs on the public host, so a
gym is chosen with ``?_gym=<schema name>`` (remembered in the staff member's session) and each
admin view runs and renders inside that schema. Everything is read-only; every encrypted field
shows ``[redacted]`` and is never decrypted; every list and detail view writes access entries
(``admin_list`` / ``admin_view``) to that gym's audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import connection as db_connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django_tenants.utils import schema_context

from apps.common.admin import ReadOnlyAdmin
from apps.common.fields import EncryptedField, encrypted_fields
from apps.medical import trail
from apps.medical.models import (
    BreakGlass,
    Clearance,
    ClearanceDocument,
    Condition,
    Consent,
    Injury,
    Medication,
    Restriction,
    RestrictionOverride,
    Screening,
)

REDACTED = "[redacted]"
SESSION_KEY = "medical_admin_schema"


def _schema_exists(name: str) -> bool:
    if not name.startswith("gym_"):
        return False
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


class RedactedHealthAdmin(ReadOnlyAdmin):
    """Read-only, redacted, schema-switching admin for one health model."""

    def get_list_display(self, request: HttpRequest) -> list[Any]:  # type: ignore[override]
        return [
            f.name if not isinstance(f, EncryptedField) else _redactor(f) for f in self.model._meta.fields
        ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:  # type: ignore[override]
        return [
            f.name if not isinstance(f, EncryptedField) else _redactor(f) for f in self.model._meta.fields
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:  # type: ignore[override]
        return self.get_fields(request, obj)

    def _schema(self, request: HttpRequest) -> str | None:
        chosen = request.GET.get("_gym")
        if chosen is not None:
            params = request.GET.copy()
            params.pop("_gym")
            request.GET = params  # type: ignore[assignment]
            if not _schema_exists(chosen):
                return None
            request.session[SESSION_KEY] = chosen
            return chosen
        stored = request.session.get(SESSION_KEY)
        return stored if isinstance(stored, str) and _schema_exists(stored) else None

    def _in_gym(
        self, request: HttpRequest, view: Any, action: trail.AccessAction, *args: Any
    ) -> HttpResponse:
        schema = self._schema(request)
        if schema is None:
            return HttpResponseBadRequest(
                "Choose a gym: add ?_gym=<schema name> to the address (health records live per gym).",
                content_type="text/plain",
            )
        with schema_context(schema):
            response = view(request, *args)
            if hasattr(response, "render"):
                response.render()
            rows = _rows_shown(response)
            if rows:
                trail.read(
                    meta=trail.meta_for(request), rows=rows, action=action, purpose=trail.Purpose.SUPPORT
                )
        response["Cache-Control"] = "no-store, private, max-age=0"
        return response  # type: ignore[no-any-return]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return self._in_gym(request, super().changelist_view, trail.AccessAction.ADMIN_LIST, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return self._in_gym(
            request, super().change_view, trail.AccessAction.ADMIN_VIEW, object_id, form_url, extra_context
        )

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return self._in_gym(
            request, super().history_view, trail.AccessAction.ADMIN_VIEW, object_id, extra_context
        )


def _redactor(field: EncryptedField) -> Any:
    def show(obj: Model) -> str:
        return REDACTED

    show.short_description = field.verbose_name  # type: ignore[attr-defined]
    show.__name__ = f"redacted_{field.name}"
    return show


def _rows_shown(response: Any) -> list[Model]:
    data = getattr(response, "context_data", None) or {}
    changelist = data.get("cl")
    if changelist is not None:
        return list(changelist.result_list)
    original = data.get("original")
    return [original] if isinstance(original, Model) else []


for _model in (
    Screening,
    Condition,
    Injury,
    Medication,
    Clearance,
    ClearanceDocument,
    Restriction,
    RestrictionOverride,
    Consent,
    BreakGlass,
):
    admin.site.register(_model, RedactedHealthAdmin)

HEALTH_MODELS_WITH_VALUES = [
    m for m in admin.site._registry if m._meta.app_label == "medical" and encrypted_fields(m)
]
