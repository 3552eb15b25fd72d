"""The medical API (``/api/v1/medical/``). Every response is ``Cache-Control: no-store``; every
read of health values writes access entries; member ids in paths, never health values."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api.permissions import MANAGERS, IsActiveGymMember, caller_id, current_role
from apps.common.fields import FieldDecryptionError
from apps.medical import access, clock, export, guard, selectors, services, trail
from apps.medical.access import Grant, Level
from apps.medical.api import serializers as s
from apps.medical.models import (
    BreakGlass,
    Clearance,
    ClearanceDocument,
    Condition,
    Consent,
    GranteeKind,
    Injury,
    Medication,
    Restriction,
    RestrictionSource,
    ScreeningRule,
)
from apps.organizations.facade import api as organizations
from apps.users.facade import api as users

STAFF = access.BREAK_GLASS_ROLES


class MfaRequired(exceptions.PermissionDenied):
    default_code = "mfa_required"
    default_detail = guard.MFA_MESSAGE


class DocumentTampered(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "document_integrity_failed"
    default_detail = (
        "The stored document failed its integrity check (SHA-256 or authentication tag) and was "
        "not sent. The platform team has been alerted; ask the clinician to upload it again."
    )


class HealthView(APIView):
    """Base of every medical endpoint: member of the gym, MFA where the role needs it,
    no-store, and helpers to decide and record access."""

    permission_classes = [IsActiveGymMember]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if guard.mfa_missing(request, current_role(request)):
            raise MfaRequired()

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        return guard.no_store(super().finalize_response(request, response, *args, **kwargs))

    # --- who and where
    @property
    def gym_id(self) -> int:
        return int(self.request._request.tenant.id)  # type: ignore[attr-defined]

    @property
    def actor(self) -> UUID:
        return caller_id(self.request)

    @property
    def role(self) -> str | None:
        return current_role(self.request)

    def meta(self) -> trail.AuditMeta:
        return trail.meta_for(self.request)

    def grant(self, member_id: UUID, need: Level) -> Grant:
        """The caller's grant on ``member_id``'s record, or 404/403 when below ``need``."""
        if member_id != self.actor and not access.is_member_of_gym(gym_id=self.gym_id, user_id=member_id):
            raise exceptions.NotFound("No such member in this gym.")
        grant = access.grant_for(
            gym_id=self.gym_id, actor_id=self.actor, role=self.role, member_id=member_id, now=clock.now()
        )
        if grant.level >= need:
            return grant
        if grant.lapsed:
            raise exceptions.PermissionDenied(grant.lapsed)
        if grant.level == Level.SUMMARY:
            raise exceptions.PermissionDenied(
                "Diagnoses, answers and medications are shown only with the member's consent to you."
            )
        if self.role in MANAGERS:
            raise exceptions.PermissionDenied(
                "Owners and admins see no health values; in an emergency use break-glass access."
            )
        raise exceptions.NotFound("No such member in this gym.")

    def log_read(self, rows: list[Any], grant: Grant, action: trail.AccessAction, member_id: UUID) -> None:
        if grant.basis == "break_glass":
            action = trail.AccessAction.BREAK_GLASS
        meta = self.meta()
        trail.read(meta=meta, rows=rows, action=action, purpose=grant.purpose, grant=grant.grant_id)
        if grant.is_disclosure and grant.level == Level.FULL:
            trail.disclosed(
                meta=meta,
                subject_id=member_id,
                recipient=f"{self.role} {self.actor}",
                description=f"Health record ({len(rows)} items) viewed under consent {grant.grant_id}",
                purpose=str(grant.purpose),
            )


class QuestionnaireView(HealthView):
    """The current screening form (PAR-Q+), as data."""

    @extend_schema(responses=s.QuestionnaireSerializer)
    def get(self, request: Request) -> Response:
        form = services.questionnaire_current()
        return Response(s.QuestionnaireSerializer(form).data)


class ScreeningCreateView(HealthView):
    """The caller fills in and signs the screening for themselves."""

    @extend_schema(request=s.ScreeningInSerializer, responses={201: s.ScreeningResultSerializer})
    def post(self, request: Request) -> Response:
        data = s.ScreeningInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = services.screening_submit(
            member_id=self.actor,
            answers=v["answers"],
            signed_name=v["signed_name"],
            date_of_birth=v["date_of_birth"],
            guardian_name=v.get("guardian_name", ""),
            questionnaire_version=v.get("questionnaire_version"),
            meta=self.meta(),
        )
        state, _ = selectors.clearance_status(member_id=self.actor, now=clock.now())
        out = {
            "id": result.screening.id,
            "outcome": result.screening.outcome,
            "clearance": state.value,
            "expires_at": result.screening.expires_at,
            "restrictions": result.restrictions,
            "advice": list(result.advice),
        }
        return Response(s.ScreeningResultSerializer(out).data, status=status.HTTP_201_CREATED)


class SummaryView(HealthView):
    """Clearance status and restrictions: the member, their coaches, consented people."""

    @extend_schema(responses=s.SummarySerializer)
    def get(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.SUMMARY)
        found = selectors.summary(member_id=member_id, now=clock.now())
        # The clearance status is derived from the latest screening: that read is logged too.
        latest = selectors.screening_latest(member_id=member_id)
        rows: list[Any] = [*found.restrictions, *([latest] if latest is not None else [])]
        self.log_read(rows, grant, trail.AccessAction.VIEW, member_id)
        return Response(s.SummarySerializer(found).data)


class RecordView(HealthView):
    """The full record: the member, consented trainers and clinicians, break-glass."""

    @extend_schema(responses=s.RecordSerializer)
    def get(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.FULL)
        record = selectors.record_full(member_id=member_id, now=clock.now())
        self.log_read(record.rows(), grant, trail.AccessAction.VIEW, member_id)
        payload = {**record.__dict__, "access": grant.basis}
        return Response(s.RecordSerializer(payload).data)


class _ItemsView(HealthView):
    """List and add one kind of record item (conditions, injuries, medications)."""

    model: ClassVar[type[Condition] | type[Injury] | type[Medication]]
    out: ClassVar[type[Any]]
    inp: ClassVar[type[Any]]

    def source_for_write(self, member_id: UUID) -> RestrictionSource:
        if member_id == self.actor:
            return RestrictionSource.SELF_REPORT
        grant = self.grant(member_id, Level.FULL)
        if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
            raise exceptions.PermissionDenied(
                "Only the member or a clinician with their consent adds to the record."
            )
        return RestrictionSource.CLINICIAN

    def get(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.FULL)
        rows = list(self.model.objects.filter(member_id=member_id))
        self.log_read(rows, grant, trail.AccessAction.LIST, member_id)
        return Response(self.out(rows, many=True).data)

    def post(self, request: Request, member_id: UUID) -> Response:
        source = self.source_for_write(member_id)
        data = self.inp(data=request.data)
        data.is_valid(raise_exception=True)
        row = self.create(member_id=member_id, source=source, values=data.validated_data)
        return Response(self.out(row).data, status=status.HTTP_201_CREATED)

    def create(self, *, member_id: UUID, source: RestrictionSource, values: dict[str, Any]) -> Any:
        raise NotImplementedError


class _ItemView(HealthView):
    model: ClassVar[type[Condition] | type[Injury] | type[Medication]]

    def delete(self, request: Request, member_id: UUID, item_id: UUID) -> Response:
        if member_id == self.actor:
            purpose = trail.Purpose.SELF_ACCESS
        else:
            grant = self.grant(member_id, Level.FULL)
            if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
                raise exceptions.PermissionDenied(
                    "Only the member or a clinician with their consent changes the record."
                )
            purpose = trail.Purpose.TREATMENT
        row = self.model.objects.filter(pk=item_id, member_id=member_id).first()
        if row is None:
            raise exceptions.NotFound()
        services.record_delete(row=row, meta=self.meta(), purpose=purpose)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses=s.ConditionSerializer(many=True))
class ConditionsView(_ItemsView):
    model = Condition
    out = s.ConditionSerializer
    inp = s.ConditionInSerializer

    @extend_schema(request=s.ConditionInSerializer, responses={201: s.ConditionSerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        return super().post(request, member_id)

    def create(self, *, member_id: UUID, source: RestrictionSource, values: dict[str, Any]) -> Any:
        return services.condition_create(
            member_id=member_id,
            description=values["description"],
            severity=values["severity"],
            notes=values["notes"],
            source=source,
            author_id=self.actor,
            meta=self.meta(),
        )


@extend_schema(responses=s.InjurySerializer(many=True))
class InjuriesView(_ItemsView):
    model = Injury
    out = s.InjurySerializer
    inp = s.InjuryInSerializer

    @extend_schema(request=s.InjuryInSerializer, responses={201: s.InjurySerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        return super().post(request, member_id)

    def create(self, *, member_id: UUID, source: RestrictionSource, values: dict[str, Any]) -> Any:
        return services.injury_create(
            member_id=member_id,
            region=values["region"],
            severity=values["severity"],
            onset=values["onset"],
            expected_recovery=values["expected_recovery"],
            notes=values["notes"],
            source=source,
            author_id=self.actor,
            meta=self.meta(),
        )


@extend_schema(responses=s.MedicationSerializer(many=True))
class MedicationsView(_ItemsView):
    model = Medication
    out = s.MedicationSerializer
    inp = s.MedicationInSerializer

    @extend_schema(request=s.MedicationInSerializer, responses={201: s.MedicationSerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        return super().post(request, member_id)

    def create(self, *, member_id: UUID, source: RestrictionSource, values: dict[str, Any]) -> Any:
        return services.medication_create(
            member_id=member_id, text=values["text"], source=source, author_id=self.actor, meta=self.meta()
        )


@extend_schema(responses={204: None})
class ConditionView(_ItemView):
    model = Condition


@extend_schema(responses={204: None})
class InjuryView(_ItemView):
    model = Injury


@extend_schema(responses={204: None})
class MedicationView(_ItemView):
    model = Medication


class RestrictionsView(HealthView):
    """A member's active restrictions; the member self-reports, a consented clinician adds."""

    @extend_schema(responses=s.RestrictionSerializer(many=True))
    def get(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.SUMMARY)
        rows = list(selectors.restrictions_active(member_id=member_id, now=clock.now()))
        self.log_read(rows, grant, trail.AccessAction.LIST, member_id)
        return Response(s.RestrictionSerializer(rows, many=True).data)

    @extend_schema(request=s.RestrictionInSerializer, responses={201: s.RestrictionSerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        if member_id == self.actor:
            source = RestrictionSource.SELF_REPORT
        else:
            grant = self.grant(member_id, Level.FULL)
            if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
                raise exceptions.PermissionDenied(
                    "Only the member or a clinician with their consent adds restrictions."
                )
            source = RestrictionSource.CLINICIAN
        data = s.RestrictionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        with transaction.atomic():
            row = services.restriction_create(
                member_id=member_id,
                region=v["region"],
                avoid=v["avoid"],
                action=v["action"],
                severity=v["severity"],
                cap_load_kg=v.get("cap_load_kg"),
                cap_rpe=v.get("cap_rpe"),
                reason=v["reason"],
                expires_at=v["expires_at"],
                source=source,
                author_id=self.actor,
            )
            trail.changed(
                meta=self.meta(),
                row=row,
                action=trail.ChangeAction.CREATE,
                fields=["region", "avoid", "action", "severity", "reason", "expires_at"],
                purpose=trail.Purpose.SELF_ACCESS
                if source == RestrictionSource.SELF_REPORT
                else trail.Purpose.TREATMENT,
            )
        return Response(s.RestrictionSerializer(row).data, status=status.HTTP_201_CREATED)


class RestrictionView(HealthView):
    """End a restriction: the member their own self-reports; a consented clinician any."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, member_id: UUID, item_id: UUID) -> Response:
        row = None
        if member_id == self.actor:
            row = Restriction.objects.filter(
                pk=item_id, member_id=member_id, source=RestrictionSource.SELF_REPORT
            ).first()
            purpose = trail.Purpose.SELF_ACCESS
        else:
            grant = self.grant(member_id, Level.FULL)
            if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
                raise exceptions.PermissionDenied(
                    "Only a clinician with the member's consent ends restrictions."
                )
            row = Restriction.objects.filter(pk=item_id, member_id=member_id).first()
            purpose = trail.Purpose.TREATMENT
        if row is None:
            raise exceptions.NotFound()
        with transaction.atomic():
            services.restriction_end(restriction=row, actor_id=self.actor)
            trail.changed(
                meta=self.meta(),
                row=row,
                action=trail.ChangeAction.UPDATE,
                fields=["ended_at"],
                purpose=purpose,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClearancesView(HealthView):
    """Clinicians' clearances of a member."""

    @extend_schema(responses=s.ClearanceSerializer(many=True))
    def get(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.FULL)
        rows = list(Clearance.objects.filter(member_id=member_id).select_related("document"))
        self.log_read(rows, grant, trail.AccessAction.LIST, member_id)
        return Response(s.ClearanceSerializer(rows, many=True).data)

    @extend_schema(request=s.ClearanceInSerializer, responses={201: s.ClearanceSerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        grant = self.grant(member_id, Level.FULL)
        if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
            raise exceptions.PermissionDenied("Only a clinician with the member's consent issues clearances.")
        data = s.ClearanceInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        specs = [
            services.RestrictionSpec(
                region=r["region"],
                avoid=r["avoid"],
                action=r["action"],
                severity=r["severity"],
                reason=r["reason"],
                cap_load_kg=r.get("cap_load_kg"),
                cap_rpe=r.get("cap_rpe"),
                expires_at=r["expires_at"],
            )
            for r in v["restrictions"]
        ]
        row = services.clearance_create(
            member_id=member_id,
            clinician_id=self.actor,
            decision=v["decision"],
            text=v["text"],
            expires_at=v["expires_at"],
            restrictions=specs,
            meta=self.meta(),
        )
        return Response(s.ClearanceSerializer(row).data, status=status.HTTP_201_CREATED)


class ClearanceDocumentView(HealthView):
    """A clearance's document: a consented clinician uploads (PDF, PNG, JPEG); FULL readers
    download it after its SHA-256 is checked."""

    parser_classes = [MultiPartParser]

    def _clearance(self, member_id: UUID, clearance_id: UUID) -> Clearance:
        found = Clearance.objects.filter(pk=clearance_id, member_id=member_id).first()
        if found is None:
            raise exceptions.NotFound()
        return found

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The document's bytes"),
            409: OpenApiResponse(description="The stored document failed its integrity check"),
        }
    )
    def get(self, request: Request, member_id: UUID, clearance_id: UUID) -> HttpResponse:
        grant = self.grant(member_id, Level.FULL)
        clearance = self._clearance(member_id, clearance_id)
        doc = ClearanceDocument.objects.filter(clearance=clearance).first()
        if doc is None:
            raise exceptions.NotFound("This clearance has no document.")
        try:
            data = services.document_bytes(document=doc)
        except (services.DocumentIntegrityError, FieldDecryptionError, ValueError) as exc:
            raise DocumentTampered() from exc
        self.log_read([doc], grant, trail.AccessAction.VIEW, member_id)
        response = HttpResponse(data, content_type=doc.content_type)
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[doc.content_type]
        response["Content-Disposition"] = f'attachment; filename="clearance-{clearance.id}.{extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        return guard.no_store(response)

    @extend_schema(
        request={"multipart/form-data": s.DocumentInSerializer}, responses={201: s.DocumentInfoSerializer}
    )
    def put(self, request: Request, member_id: UUID, clearance_id: UUID) -> Response:
        grant = self.grant(member_id, Level.FULL)
        if self.role != "clinician" or grant.basis not in ("consent", "break_glass"):
            raise exceptions.PermissionDenied(
                "Only a clinician with the member's consent attaches documents."
            )
        clearance = self._clearance(member_id, clearance_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": ["Attach the document as the multipart field 'file'."]})
        limit = services.document_max_bytes()
        if upload.size is not None and upload.size > limit:
            raise exceptions.ValidationError(
                {"file": [f"The file is larger than {limit // (1024 * 1024)} MB."]}
            )
        doc = services.document_attach(
            clearance=clearance,
            data=upload.read(),
            filename=upload.name or "",
            declared_type=upload.content_type or "",
            meta=self.meta(),
        )
        return Response(s.DocumentInfoSerializer(doc).data, status=status.HTTP_201_CREATED)


class ConsentsView(HealthView):
    """The caller's own consents: list and grant."""

    @extend_schema(responses=s.ConsentSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            s.ConsentSerializer(selectors.consents_of_member(member_id=self.actor), many=True).data
        )

    @extend_schema(request=s.ConsentInSerializer, responses={201: s.ConsentSerializer})
    def post(self, request: Request) -> Response:
        data = s.ConsentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        kind = GranteeKind(v["grantee_kind"])
        grantee = v["grantee_id"]
        if kind == GranteeKind.CLINICIANS:
            if grantee is not None:
                raise exceptions.ValidationError(
                    {"grantee_id": ["Leave empty when consenting to every clinician."]}
                )
        else:
            info = (
                None
                if grantee is None
                else organizations.active_membership(gym_id=self.gym_id, user_id=grantee)
            )
            if info is None or str(info.role) != kind.value or grantee == self.actor:
                raise exceptions.ValidationError({"grantee_id": [f"Name a {kind.value} of this gym."]})
        consent = services.consent_grant(
            member_id=self.actor,
            grantee_kind=kind,
            grantee_id=grantee,
            days=v["days"],
            rules=guard.gym_policy(request),
            meta=self.meta(),
        )
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentView(HealthView):
    @extend_schema(responses=s.ConsentSerializer)
    def delete(self, request: Request, consent_id: UUID) -> Response:
        consent = Consent.objects.filter(pk=consent_id, member_id=self.actor).first()
        if consent is None:
            raise exceptions.NotFound()
        services.consent_revoke(consent=consent, meta=self.meta())
        return Response(s.ConsentSerializer(consent).data)


class BreakGlassView(HealthView):
    """Emergency access to a member's full record: a typed reason, a time limit and a fresh
    MFA code. The gym's owners are alerted."""

    @extend_schema(request=s.BreakGlassInSerializer, responses={201: s.BreakGlassSerializer})
    def post(self, request: Request, member_id: UUID) -> Response:
        if self.role not in STAFF:
            raise exceptions.PermissionDenied("Only the gym's staff can use emergency access.")
        if member_id == self.actor or not access.is_member_of_gym(gym_id=self.gym_id, user_id=member_id):
            raise exceptions.NotFound("No such member in this gym.")
        data = s.BreakGlassInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.break_glass_check(reason=v["reason"], minutes=v["minutes"], rules=guard.gym_policy(request))
        if not users.mfa_verify_code(user_id=self.actor, code=v["code"]):
            raise exceptions.PermissionDenied(
                "The MFA code is wrong or already used; emergency access was not opened."
            )
        owners = tuple(
            m.user_id for m in organizations.members_of_gym(gym_id=self.gym_id) if str(m.role) == "owner"
        )
        row = services.break_glass_start(
            actor_id=self.actor,
            member_id=member_id,
            reason=v["reason"],
            minutes=v["minutes"],
            owner_ids=owners,
            rules=guard.gym_policy(request),
            meta=self.meta(),
        )
        return Response(s.BreakGlassSerializer(row).data, status=status.HTTP_201_CREATED)


class BreakGlassReviewView(HealthView):
    """Emergency accesses for review: owners and admins see every one with its reason; anyone
    else sees their own."""

    @extend_schema(responses=s.BreakGlassReviewSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = BreakGlass.objects.all()
        if self.role not in MANAGERS:
            rows = rows.filter(actor_id=self.actor)
        return Response(s.BreakGlassReviewSerializer(rows[:500], many=True).data)


class ClientsView(HealthView):
    """Summaries (clearance status and restrictions) of the members the caller may see:
    a trainer's clients and consenting members; a clinician's consenting members."""

    @extend_schema(responses=s.ClientSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        if self.role not in ("trainer", "clinician"):
            raise exceptions.PermissionDenied("Only trainers and clinicians have clients.")
        found = services.client_summaries_read(
            gym_id=self.gym_id, actor_id=self.actor, role=str(self.role), meta=self.meta()
        )
        out = [{**c.summary.__dict__, "full_name": c.full_name} for c in found]
        return Response(s.ClientSummarySerializer(out, many=True).data)


def _require_clinician(role: str | None) -> None:
    if role != "clinician":
        raise exceptions.PermissionDenied("Only clinicians see and edit screening rules.")


class RulesView(HealthView):
    """How screening answers become restrictions; clinicians read and edit them."""

    @extend_schema(responses=s.ScreeningRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_clinician(self.role)
        services.questionnaire_current()
        return Response(s.ScreeningRuleSerializer(ScreeningRule.objects.all(), many=True).data)


class RuleView(HealthView):
    @extend_schema(request=s.ScreeningRuleInSerializer, responses=s.ScreeningRuleSerializer)
    def patch(self, request: Request, rule_id: UUID) -> Response:
        rule = ScreeningRule.objects.filter(pk=rule_id).first()
        if rule is None:
            raise exceptions.NotFound()
        _require_clinician(self.role)
        data = s.ScreeningRuleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.screening_rule_update(
            rule=rule, actor_id=self.actor, meta=self.meta(), changes=dict(data.validated_data)
        )
        return Response(s.ScreeningRuleSerializer(rule).data)


class _ExportView(HealthView):
    def prepare(self, request: Request) -> export.Export:
        rules = guard.gym_policy(request)
        if not users.recently_authenticated(request, within_seconds=rules.export_reauth_seconds):
            raise exceptions.PermissionDenied(
                "Confirm your password (and MFA code) again before exporting: POST /api/v1/auth/reauth/."
            )
        return services.export_for_self(member_id=self.actor, gym_id=self.gym_id, meta=self.meta())


class ExportJsonView(_ExportView):
    """The caller's whole health record as JSON (re-authentication required)."""

    @extend_schema(responses={(200, "application/json"): OpenApiResponse(description="The whole record")})
    def get(self, request: Request) -> HttpResponse:
        made = self.prepare(request)
        response = HttpResponse(export.as_json(made), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="health-record.json"'
        return guard.no_store(response)


class ExportPdfView(_ExportView):
    """The caller's whole health record as PDF (re-authentication required)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The whole record")})
    def get(self, request: Request) -> HttpResponse:
        made = self.prepare(request)
        response = HttpResponse(export.as_pdf(made), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="health-record.pdf"'
        return guard.no_store(response)
