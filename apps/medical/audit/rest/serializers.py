from __future__ import annotations

from rest_framework import serializers

from apps.common.api.serializers import StrictSerializer
from apps.medical.audit.contracts import ALL_ACTIONS, EntryKind
from apps.medical.audit.models import AuditEntry, Disclosure


class AuditEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "seq",
            "kind",
            "action",
            "occurred_at",
            "actor_id",
            "actor_label",
            "via",
            "subject_id",
            "object_type",
            "object_id",
            "purpose",
            "ip_address",
            "request_id",
            "fields",
            "hash",
        ]
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    subject = serializers.UUIDField(required=False, help_text="The member whose health data was used.")
    actor = serializers.UUIDField(required=False)
    action = serializers.ChoiceField(choices=ALL_ACTIONS, required=False)
    kind = serializers.ChoiceField(choices=[k.value for k in EntryKind], required=False)
    since = serializers.DateTimeField(required=False, help_text="From this time (inclusive).")
    until = serializers.DateTimeField(required=False, help_text="Before this time.")

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since >= until:  # type: ignore[operator]
            raise serializers.ValidationError({"until": "Must be after since."})
        return attrs


class DisclosureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_id = serializers.UUIDField(source="subject_id", read_only=True)

    class Meta:
        model = Disclosure
        fields = ["id", "member_id", "disclosed_at", "recipient", "description", "purpose", "recorded_at"]
        read_only_fields = fields


class DisclosureCreateSerializer(StrictSerializer):
    member_id = serializers.UUIDField()
    recipient = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=500)
    purpose = serializers.CharField(max_length=500)
    disclosed_at = serializers.DateTimeField(required=False)


class DisclosureFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.UUIDField(required=False, help_text="Compliance officers: one member's accounting.")


class PersonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.UUIDField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()


class ComplianceOfficerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    officer = PersonSerializer(allow_null=True, help_text="The designated officer besides the owners.")
    owners = PersonSerializer(many=True, help_text="Owners review the audit trail by default.")


class ComplianceOfficerUpdateSerializer(StrictSerializer):
    user_id = serializers.UUIDField(allow_null=True, help_text="An admin or clinician; null withdraws.")
