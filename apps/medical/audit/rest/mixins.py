"""Access logging for DRF views of health data, so a view cannot forget it.

``AccessLoggedMixin`` records an access entry for every record a GET serializes: one ``view``
entry for a detail, one ``list`` entry per record of a list page. The actor comes from the DRF
request (correct under token auth). A successful GET that serialized no record and recorded
nothing by hand (``audit_reads``) is refused with 500 instead of served unaudited, so the
mistake shows in the first test. Responses carry ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.response import Response

from apps.medical.audit import api
from apps.medical.audit.contracts import AccessAction, AccessedObject, Purpose

_READS = frozenset({"GET", "HEAD"})


class AccessLoggedMixin:
    """Mix into a DRF ``GenericAPIView``/``GenericViewSet`` serving health data.

    Set ``audit_object_type`` (``"medical.condition"``) and, when the record's member is not its
    ``member_id``, ``audit_subject_attr``. Override ``audit_purpose`` to name why the caller reads
    (by role, say), and ``audit_action`` for exports or break-glass reads."""

    audit_object_type: ClassVar[str] = ""
    audit_subject_attr: ClassVar[str] = "member_id"
    audit_default_purpose: ClassVar[Purpose] = Purpose.TREATMENT

    request: Any  # the DRF Request of the view this is mixed into
    _audit_done: bool = False

    def audit_purpose(self) -> Purpose:
        return self.audit_default_purpose

    def audit_action(self, *, many: bool) -> AccessAction:
        return AccessAction.LIST if many else AccessAction.VIEW

    def audit_subject_id(self, obj: Any) -> UUID | None:
        value = getattr(obj, self.audit_subject_attr)
        return None if value is None else UUID(str(value))

    def audit_object_id(self, obj: Any) -> str:
        return str(obj.pk)

    def audit_reads(self, objects: Iterable[Any], *, many: bool, action: AccessAction | None = None) -> int:
        """Record that the caller reads ``objects`` in this request (views building their own
        responses, exports). Returns how many entries were appended."""
        if not self.audit_object_type:
            raise ImproperlyConfigured(f"{type(self).__name__} sets no audit_object_type.")
        accessed = [AccessedObject(self.audit_object_id(o), self.audit_subject_id(o)) for o in objects]
        self._audit_done = True
        if not accessed:
            return 0
        return api.access_record_many(
            request_meta=api.audit_meta(self.request),
            objects=accessed,
            object_type=self.audit_object_type,
            action=action or self.audit_action(many=many),
            purpose=self.audit_purpose(),
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)  # type: ignore[misc]
        if args and args[0] is not None and self.request.method in _READS and not self._audit_done:
            many = bool(kwargs.get("many", False))
            self.audit_reads(list(args[0]) if many else [args[0]], many=many)
        return serializer

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in _READS and 200 <= response.status_code < 300 and not self._audit_done:
            raise ImproperlyConfigured(
                f"{type(self).__name__} answered a read of health data without an access entry."
            )
        response["Cache-Control"] = "no-store"
        return response
