"""The audit API of a gym: the compliance officer's audit view, the accounting of disclosures
(each member sees their own), and who the compliance officer is."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as _gym_id
from apps.medical.audit import api, selectors, services
from apps.medical.audit.contracts import AccessAction, Purpose
from apps.medical.audit.models import AuditEntry, ComplianceDesignation, Disclosure
from apps.medical.audit.officers import DESIGNATABLE_ROLES, is_compliance_officer
from apps.medical.audit.rest import serializers as s
from apps.medical.audit.rest.mixins import AccessLoggedMixin
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymMemberInfo, MembershipStatus, Role


def _is_officer(request: Request) -> bool:
    return is_compliance_officer(role=current_role(request), user_id=caller_id(request))


class IsComplianceOfficer(permissions.BasePermission):
    message = "Only the gym's owners and its designated compliance officer see the audit trail."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _is_officer(request)


def _filters(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class AuditEntryListView(generics.ListAPIView):  # type: ignore[type-arg]
    """The gym's audit trail, newest first, for its compliance officers: every access, change
    and disclosure entry, filtered by member, actor, action, kind and time. Reading it is itself
    recorded (action ``audit_view``)."""

    permission_classes = [IsActiveGymMember, IsComplianceOfficer]
    serializer_class = s.AuditEntrySerializer
    filter_backends: list[Any] = []
    queryset = AuditEntry.objects.none()

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        f = self.filters = _filters(s.AuditFilterSerializer, self.request)
        return selectors.entries(
            subject_id=f.get("subject"),
            actor_id=f.get("actor"),
            action=f.get("action"),
            kind=f.get("kind"),
            since=f.get("since"),
            until=f.get("until"),
        ).order_by("-seq")

    @extend_schema(parameters=[s.AuditFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = self.list(request, *args, **kwargs)
        f = self.filters
        api.access_record(
            request_meta=api.audit_meta(request),
            subject_id=f.get("subject"),
            object_type="medical_audit.auditentry",
            object_id="",
            action=AccessAction.AUDIT_VIEW,
            purpose=Purpose.COMPLIANCE,
            detail={
                "actor": str(f["actor"]) if f.get("actor") else None,
                "action": f.get("action"),
                "kind": f.get("kind"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class DisclosureViewSet(
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """The accounting of disclosures (45 CFR 164.528) over the retention window: each person
    sees the disclosures of their own health data; compliance officers see everyone's (filter
    with ``member``) and record new ones."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.DisclosureSerializer
    filter_backends: list[Any] = []
    queryset = Disclosure.objects.none()
    audit_object_type = "medical_audit.disclosure"
    audit_subject_attr = "subject_id"

    def get_queryset(self) -> QuerySet[Disclosure]:
        if getattr(self, "swagger_fake_view", False):
            return Disclosure.objects.none()
        qs = selectors.disclosures_of_gym()
        if not _is_officer(self.request):
            return qs.filter(subject_id=caller_id(self.request))
        if self.action == "list":
            member = _filters(s.DisclosureFilterSerializer, self.request).get("member")
            if member is not None:
                qs = qs.filter(subject_id=member)
        return qs

    def audit_purpose(self) -> Purpose:
        return Purpose.COMPLIANCE if _is_officer(self.request) else Purpose.SELF_ACCESS

    @extend_schema(parameters=[s.DisclosureFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.DisclosureCreateSerializer, responses={201: s.DisclosureSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not _is_officer(request):
            raise exceptions.PermissionDenied("Only the gym's compliance officers record disclosures.")
        data = s.DisclosureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if organizations.active_membership(gym_id=_gym_id(request), user_id=v["member_id"]) is None:
            raise exceptions.ValidationError({"member_id": ["Not an active member of this gym."]})
        try:
            info = api.disclosure_record(
                request_meta=api.audit_meta(request),
                subject_id=v["member_id"],
                recipient=v["recipient"],
                description=v["description"],
                purpose=v["purpose"],
                disclosed_at=v.get("disclosed_at"),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        disclosure = Disclosure.objects.get(pk=info.id)
        return Response(s.DisclosureSerializer(disclosure).data, status=status.HTTP_201_CREATED)


def _person(m: GymMemberInfo) -> dict[str, Any]:
    return {"user_id": m.user_id, "full_name": m.full_name, "email": m.email, "role": m.role.value}


class ComplianceOfficerView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Who reviews this gym's audit trail: its owners, and the person an owner designated (an
    admin or a clinician). Every member may ask; only owners change it."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.ComplianceOfficerSerializer
    queryset = ComplianceDesignation.objects.none()

    def get_object(self) -> Any:
        self._require_owner()
        return selectors.compliance_officer_id()

    def _require_owner(self) -> None:
        if current_role(self.request) != Role.OWNER.value:
            raise exceptions.PermissionDenied("Only owners designate the compliance officer.")

    def _body(self, request: Request) -> dict[str, Any]:
        people = [
            m
            for m in organizations.members_of_gym(gym_id=_gym_id(request))
            if m.status is MembershipStatus.ACTIVE
        ]
        officer_id = selectors.compliance_officer_id()
        officer = next(
            (m for m in people if m.user_id == officer_id and m.role.value in DESIGNATABLE_ROLES), None
        )
        return {
            "officer": _person(officer) if officer else None,
            "owners": [_person(m) for m in people if m.role is Role.OWNER],
        }

    def get(self, request: Request) -> Response:
        return Response(s.ComplianceOfficerSerializer(self._body(request)).data)

    @extend_schema(request=s.ComplianceOfficerUpdateSerializer, responses=s.ComplianceOfficerSerializer)
    def put(self, request: Request) -> Response:
        self._require_owner()
        data = s.ComplianceOfficerUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer_id: UUID | None = data.validated_data["user_id"]
        if officer_id is not None:
            membership = organizations.active_membership(gym_id=_gym_id(request), user_id=officer_id)
            if membership is None or membership.role.value not in DESIGNATABLE_ROLES:
                raise exceptions.ValidationError(
                    {"user_id": ["Designate an active admin or clinician of this gym."]}
                )
        services.compliance_officer_designate(officer_id=officer_id, meta=api.audit_meta(request))
        return Response(s.ComplianceOfficerSerializer(self._body(request)).data)
