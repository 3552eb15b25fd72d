"""Access logging for Django admin pages showing health data.

``AccessLoggedAdminMixin`` records ``admin_view`` when a change form is shown and ``admin_list``
for each row of a change list, with the signed-in staff member as actor. Mix it into every
ModelAdmin of a health-data model, before ``admin.ModelAdmin``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from django.contrib.admin.views.main import ChangeList
from django.db.models import Model
from django.http import HttpRequest

from apps.medical.audit import api
from apps.medical.audit.contracts import AccessAction, AccessedObject, Purpose


class AccessLoggedAdminMixin:
    audit_subject_attr: ClassVar[str] = "member_id"
    audit_admin_purpose: ClassVar[Purpose] = Purpose.SUPPORT

    model: type[Model]

    def _audit(self, request: HttpRequest, objects: list[Model], action: AccessAction) -> None:
        if not objects:
            return
        meta = self.model._meta
        api.access_record_many(
            request_meta=api.audit_meta(request),
            objects=[
                AccessedObject(
                    object_id=str(o.pk),
                    subject_id=_uuid(getattr(o, self.audit_subject_attr)),
                )
                for o in objects
            ],
            object_type=f"{meta.app_label}.{meta.model_name}",
            action=action,
            purpose=self.audit_admin_purpose,
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is not None and request.method in ("GET", "HEAD"):
            self._audit(request, [obj], AccessAction.ADMIN_VIEW)
        return obj

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist: ChangeList = super().get_changelist_instance(request)  # type: ignore[misc]
        self._audit(request, list(changelist.result_list), AccessAction.ADMIN_LIST)
        return changelist


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))
