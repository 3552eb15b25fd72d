"""The plugin platform's data in each gym's schema: installations, their data, calls and audit.

The catalogue of plugin versions is not stored: it is discovered from the plugins folder and
entry points (``registry``). Installations, grants (django-guardian rows on the installation's
service account), the plugin's own data, call metrics and the audit trail live in the gym's
schema, so dropping a gym drops them and one gym's rows are invisible from another's.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from apps.plugins.capabilities import CAPABILITIES


def capability_codename(capability: str) -> str:
    """The django-guardian permission codename of a capability (``use_events_workout_read``)."""
    return "use_" + capability.replace(".", "_")


class InstallationStatus(models.TextChoices):
    INACTIVE = "inactive"  # installed (or deactivated): hooks are not called
    ACTIVE = "active"
    SUSPENDED = "suspended"  # stopped by the threat detector; an admin must reactivate it


class PluginInstallation(models.Model):
    """One plugin installed in this gym, at one version, with the capabilities its admins granted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plugin_id = models.CharField(max_length=50, unique=True)
    version = models.CharField(max_length=50)
    status = models.CharField(
        max_length=16, choices=InstallationStatus.choices, default=InstallationStatus.INACTIVE
    )
    granted_capabilities = models.JSONField(default=list)
    config = models.JSONField(default=dict, help_text="Configuration without its secret fields.")
    secrets = models.TextField(blank=True, help_text="Secret fields, encrypted (AES-256-GCM).")
    secret_names = models.JSONField(default=list, help_text="Which secret fields are set.")
    service_account_id = models.UUIDField(help_text="The account the grants are attached to.")
    status_reason = models.TextField(blank=True)
    installed_by = models.UUIDField(null=True, blank=True)
    installed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(
        null=True, blank=True, help_text="The threat detector counts bad calls since then."
    )

    class Meta:
        ordering = ["plugin_id"]
        permissions = [(capability_codename(c), f"Capability {c}") for c in sorted(CAPABILITIES)]

    def __str__(self) -> str:
        return f"{self.plugin_id} {self.version} ({self.status})"


class PluginDatum(models.Model):
    """A plugin's own key-value data (host function ``storage.*``); removed at uninstall."""

    installation = models.ForeignKey(PluginInstallation, on_delete=models.CASCADE, related_name="data")
    key = models.CharField(max_length=200)
    value = models.JSONField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "key"], name="plugins_datum_unique")]

    def __str__(self) -> str:
        return self.key


class PluginNotice(models.Model):
    """A notification a plugin sent to a member (``notifications.send``) or the platform sent to
    the gym's admins about a plugin (``audience="admins"``, e.g. a suspension)."""

    class Audience(models.TextChoices):
        MEMBER = "member"
        ADMINS = "admins"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plugin_id = models.CharField(max_length=50, db_index=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    member_id = models.UUIDField(null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CallOutcome(models.TextChoices):
    OK = "ok"
    ERROR = "error"  # the plugin raised or answered badly
    TIMEOUT = "timeout"  # wall time, CPU time or fuel ran out
    CRASH = "crash"  # the sandbox died (signal, OOM kill, fatal runtime error)
    UNAVAILABLE = "unavailable"  # the sandbox kind cannot run on this host


class PluginCall(models.Model):
    """One hook call of one installation: what it cost and how it ended (monitoring)."""

    id = models.BigAutoField(primary_key=True)
    plugin_id = models.CharField(max_length=50)
    version = models.CharField(max_length=50)
    hook = models.CharField(max_length=50)
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices)
    wall_ms = models.FloatField()
    cpu_ms = models.FloatField(default=0)
    peak_memory_kb = models.PositiveIntegerField(default=0)
    fuel = models.BigIntegerField(default=0)
    denials = models.PositiveIntegerField(default=0)
    egress_violations = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["plugin_id", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.plugin_id}.{self.hook} {self.outcome}"


class AuditAction(models.TextChoices):
    INSTALL = "install"
    CONFIGURE = "configure"
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"
    UPGRADE = "upgrade"
    UNINSTALL = "uninstall"
    SUSPEND = "suspend"
    HOST_CALL = "host_call"
    DENIED = "denied"
    HEALTH = "health"


class PluginAuditEntry(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE (migration 0002)."""

    id = models.BigAutoField(primary_key=True)
    plugin_id = models.CharField(max_length=50, db_index=True)
    installation_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    actor_id = models.UUIDField(null=True, blank=True, help_text="A person; empty for the plugin or system.")
    allowed = models.BooleanField(default=True)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.plugin_id} {self.action}"
