"""Serializers of the plugin API. Secrets never appear in any output."""

from __future__ import annotations

from rest_framework import serializers

from apps.plugins.models import PluginAuditEntry, PluginInstallation, PluginNotice


class CapabilitySerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    description = serializers.CharField()
    min_plan = serializers.CharField()


class PluginVersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One catalogue entry: what a gym admin sees before consenting."""

    id = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    publisher = serializers.CharField()
    description = serializers.CharField()
    host_api = serializers.CharField()
    sandbox = serializers.CharField()
    hooks = serializers.ListField(child=serializers.CharField())
    capabilities = CapabilitySerializer(many=True)
    http_hosts = serializers.ListField(child=serializers.CharField())
    limits = serializers.DictField(child=serializers.IntegerField())
    config_schema = serializers.DictField()
    secret_fields = serializers.ListField(child=serializers.CharField())
    signed_by = serializers.CharField()


class InstallationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    secrets_set = serializers.ListField(source="secret_names", child=serializers.CharField(), read_only=True)

    class Meta:
        model = PluginInstallation
        fields = [
            "id",
            "plugin_id",
            "version",
            "status",
            "status_reason",
            "granted_capabilities",
            "config",
            "secrets_set",
            "installed_by",
            "installed_at",
            "updated_at",
        ]
        read_only_fields = fields


class InstallSerializer(serializers.Serializer):  # type: ignore[type-arg]
    plugin_id = serializers.CharField(max_length=50)
    version = serializers.CharField(max_length=50)
    granted_capabilities = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20)


class ConfigSerializer(serializers.Serializer):  # type: ignore[type-arg]
    config = serializers.DictField()


class VersionChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.CharField(max_length=50)
    granted_capabilities = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False
    )


class AuditEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PluginAuditEntry
        fields = ["id", "plugin_id", "action", "actor_id", "allowed", "detail", "at"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PluginNotice
        fields = ["id", "plugin_id", "title", "body", "created_at"]
        read_only_fields = fields


class CallStatsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    plugin_id = serializers.CharField()
    hook = serializers.CharField()
    calls = serializers.IntegerField()
    ok = serializers.IntegerField()
    failed = serializers.IntegerField()
    timeouts = serializers.IntegerField()
    crashes = serializers.IntegerField()
    unavailable = serializers.IntegerField()
    denials = serializers.IntegerField()
    egress_violations = serializers.IntegerField()
    p50_ms = serializers.FloatField()
    p95_ms = serializers.FloatField()
    p99_ms = serializers.FloatField()
    wall_ms_total = serializers.FloatField()
    cpu_ms_total = serializers.FloatField()
    peak_memory_kb = serializers.IntegerField()
    fuel_total = serializers.IntegerField()


class ValidateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A plugin package to check: its manifest and each artifact as base64."""

    manifest = serializers.JSONField()
    artifacts = serializers.DictField(child=serializers.CharField(max_length=400_000))


class ValidResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField()
    id = serializers.CharField()
    version = serializers.CharField()
