"""Serializers of the medical API: explicit fields per audience, never ``__all__``.

Output serializers are read-only views of model rows; the audience decides which one is used
(``SummarySerializer`` for a coach, the full-record ones for the member, a consented person or
break-glass). Input serializers are strict: unknown fields are refused.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.common import health
from apps.common.api.serializers import StrictSerializer
from apps.medical.models import ClearanceDecision, GranteeKind

# --- output: what a coach may see (clearance status and restrictions)


class RestrictionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    region = serializers.CharField(read_only=True, allow_null=True)
    avoid = serializers.ListField(child=serializers.CharField(), read_only=True)
    action = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    cap_load_kg = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    cap_rpe = serializers.DecimalField(max_digits=3, decimal_places=1, read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    author_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class SummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    member_id = serializers.UUIDField(read_only=True)
    clearance = serializers.ChoiceField(choices=[s.value for s in health.ClearanceStatus], read_only=True)
    clearance_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    restrictions = RestrictionSerializer(many=True, read_only=True)


# --- output: the full record


class ScreeningSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    questionnaire = serializers.SerializerMethodField()
    answers = serializers.JSONField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    signed_name = serializers.CharField(read_only=True)
    signed_at = serializers.DateTimeField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True)
    guardian_name = serializers.CharField(read_only=True)
    guardian_signed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(read_only=True)

    def get_questionnaire(self, obj: Any) -> str:
        return f"{obj.questionnaire.code} {obj.questionnaire.version}"


class ConditionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    description = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    author_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class InjurySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    region = serializers.SerializerMethodField()
    severity = serializers.SerializerMethodField()
    onset = serializers.SerializerMethodField()
    expected_recovery = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    author_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_region(self, obj: Any) -> str:
        return str(obj.details["region"])

    def get_severity(self, obj: Any) -> str:
        return str(obj.details["severity"])

    def get_onset(self, obj: Any) -> str:
        return str(obj.details["onset"])

    def get_expected_recovery(self, obj: Any) -> str | None:
        value = obj.details.get("expected_recovery")
        return None if value is None else str(value)

    def get_notes(self, obj: Any) -> str:
        return str(obj.details.get("notes", ""))


class MedicationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    text = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    author_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class DocumentInfoSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    filename = serializers.CharField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)


class ClearanceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    clinician_id = serializers.UUIDField(read_only=True)
    decision = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    issued_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    document = serializers.SerializerMethodField()

    def get_document(self, obj: Any) -> dict[str, Any] | None:
        doc = getattr(obj, "document", None)
        return None if doc is None else dict(DocumentInfoSerializer(doc).data)


class RecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member_id = serializers.UUIDField(read_only=True)
    access = serializers.CharField(read_only=True)
    clearance = serializers.CharField(read_only=True)
    clearance_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    screenings = ScreeningSerializer(many=True, read_only=True)
    conditions = ConditionSerializer(many=True, read_only=True)
    injuries = InjurySerializer(many=True, read_only=True)
    medications = MedicationSerializer(many=True, read_only=True)
    clearances = ClearanceSerializer(many=True, read_only=True)
    restrictions = RestrictionSerializer(many=True, read_only=True)


class ConsentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    grantee_kind = serializers.CharField(read_only=True)
    grantee_id = serializers.UUIDField(read_only=True, allow_null=True)
    granted_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)


class BreakGlassSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    actor_id = serializers.UUIDField(read_only=True)
    member_id = serializers.UUIDField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class BreakGlassReviewSerializer(BreakGlassSerializer):
    reason = serializers.CharField(read_only=True)


class ScreeningResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    clearance = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    restrictions = RestrictionSerializer(many=True, read_only=True)
    advice = serializers.ListField(child=serializers.CharField(), read_only=True)


class QuestionnaireSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    definition = serializers.JSONField(read_only=True)


class ScreeningRuleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(read_only=True)
    key = serializers.CharField(read_only=True)
    questionnaire_code = serializers.CharField(read_only=True)
    trigger = serializers.CharField(read_only=True)
    when_region = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True, allow_null=True)
    avoid = serializers.ListField(child=serializers.CharField(), read_only=True)
    action = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    updated_by = serializers.UUIDField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ClientSummarySerializer(SummarySerializer):
    full_name = serializers.CharField(read_only=True)


# --- input


class ScreeningInSerializer(StrictSerializer):
    questionnaire_version = serializers.CharField(max_length=20, required=False)
    answers = serializers.JSONField()
    signed_name = serializers.CharField(max_length=200, allow_blank=True)
    date_of_birth = serializers.DateField()
    guardian_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class RestrictionInSerializer(StrictSerializer):
    # Free strings, checked by the service against the vocabulary so one 400 lists every
    # unknown value with the allowed ones.
    region = serializers.CharField(max_length=40, allow_null=True, required=False, default=None)
    avoid = serializers.ListField(child=serializers.CharField(max_length=40), max_length=30, default=list)
    action = serializers.CharField(max_length=40)
    severity = serializers.CharField(max_length=40)
    cap_load_kg = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    cap_rpe = serializers.DecimalField(max_digits=3, decimal_places=1, required=False, allow_null=True)
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ConditionInSerializer(StrictSerializer):
    description = serializers.CharField(max_length=500)
    severity = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class InjuryInSerializer(StrictSerializer):
    region = serializers.CharField(max_length=40)
    severity = serializers.CharField(max_length=40)
    onset = serializers.DateField()
    expected_recovery = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class MedicationInSerializer(StrictSerializer):
    text = serializers.CharField(max_length=500)


class ClearanceInSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=ClearanceDecision.values)
    text = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    expires_at = serializers.DateTimeField()
    restrictions = RestrictionInSerializer(many=True, required=False, default=list)


class DocumentInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()


class ConsentInSerializer(StrictSerializer):
    grantee_kind = serializers.ChoiceField(choices=GranteeKind.values)
    grantee_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(min_value=1, max_value=3650)


class BreakGlassInSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=1000)
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    code = serializers.CharField(max_length=20)


class ScreeningRuleInSerializer(StrictSerializer):
    region = serializers.CharField(max_length=40, allow_null=True, required=False)
    avoid = serializers.ListField(child=serializers.CharField(max_length=40), max_length=30, required=False)
    action = serializers.CharField(max_length=40, required=False)
    severity = serializers.CharField(max_length=40, required=False)
    reason = serializers.CharField(max_length=200, required=False)
    active = serializers.BooleanField(required=False)
