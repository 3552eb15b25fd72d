"""The per-gym plugin lifecycle: install, configure, activate, deactivate, change version,
uninstall, suspend. Every step writes the audit log; every refusal is a ``PluginRefusedError``
listing every reason, so the API answers 400 with all of them and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from jsonschema.validators import Draft202012Validator

from apps.common.events import publish
from apps.plugins import grants, registry
from apps.plugins.facade.events import PluginSuspended
from apps.plugins.manifest import Manifest
from apps.plugins.models import (
    AuditAction,
    InstallationStatus,
    PluginAuditEntry,
    PluginInstallation,
    PluginNotice,
)
from apps.plugins.secrets import secrets_open, secrets_seal


class PluginRefusedError(ValueError):
    """A lifecycle step was refused; ``reasons`` maps a field to every problem with it."""

    def __init__(self, reasons: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {m}" for k, ms in reasons.items() for m in ms))
        self.reasons = reasons


def audit_record(
    *,
    plugin_id: str,
    action: AuditAction,
    installation_id: UUID | None = None,
    actor_id: UUID | None = None,
    allowed: bool = True,
    detail: Mapping[str, Any] | None = None,
) -> PluginAuditEntry:
    """Append one audit entry (never secrets, never health data in ``detail``)."""
    return PluginAuditEntry.objects.create(
        plugin_id=plugin_id,
        installation_id=installation_id,
        action=action,
        actor_id=actor_id,
        allowed=allowed,
        detail=dict(detail or {}),
    )


def _package(plugin_id: str, version: str) -> registry.PluginPackage:
    package = registry.package_get(plugin_id, version)
    if package is None:
        raise PluginRefusedError({"version": [f"{plugin_id} {version} is not in the catalogue"]})
    return package


def _check_grants(manifest: Manifest, granted: Iterable[str]) -> list[str]:
    requested = set(manifest.capabilities)
    return [
        f"{cap!r} is not requested by {manifest.id} {manifest.version}"
        for cap in sorted(set(granted) - requested)
    ]


def _config_errors(manifest: Manifest, values: Mapping[str, Any]) -> list[str]:
    validator = Draft202012Validator(manifest.config_schema)
    out = []
    for error in validator.iter_errors(dict(values)):
        where = "/".join(str(p) for p in error.absolute_path) or "(config)"
        if error.absolute_path and str(error.absolute_path[0]) in manifest.secret_fields:
            out.append(f"{where}: invalid secret value ({error.validator})")  # never echo a secret
        else:
            out.append(f"{where}: {error.message}")
    return sorted(out)


def _aad(installation: PluginInstallation) -> bytes:
    return f"plugins:{installation.pk}:{installation.plugin_id}".encode()


def config_full(*, installation: PluginInstallation) -> dict[str, Any]:
    """The configuration with its secrets decrypted: for the sandbox call only, never shown."""
    values = dict(installation.config)
    if installation.secrets:
        values.update(secrets_open(installation.secrets, aad=_aad(installation)))
    return values


def _store_config(installation: PluginInstallation, manifest: Manifest, values: Mapping[str, Any]) -> None:
    secret_names = set(manifest.secret_fields)
    installation.config = {k: v for k, v in values.items() if k not in secret_names}
    secret_values = {k: v for k, v in values.items() if k in secret_names}
    installation.secrets = secrets_seal(secret_values, aad=_aad(installation)) if secret_values else ""
    installation.secret_names = sorted(secret_values)


@transaction.atomic
def plugin_install(
    *, gym_id: int, plugin_id: str, version: str, granted: Iterable[str], actor_id: UUID | None
) -> PluginInstallation:
    """Install a catalogue plugin in this gym, inactive, with the capabilities the gym's admin
    granted (a subset of what the manifest requests: the consent, i.e. the policy
    administration point). Grants become guardian permissions of a new service account."""
    granted = sorted(set(granted))
    package = _package(plugin_id, version)
    reasons: dict[str, list[str]] = {}
    if problems := _check_grants(package.manifest, granted):
        reasons["granted_capabilities"] = problems
    if PluginInstallation.objects.filter(plugin_id=plugin_id).exists():
        reasons["plugin_id"] = [f"{plugin_id} is already installed in this gym"]
    if reasons:
        raise PluginRefusedError(reasons)
    account = grants.service_account_ensure(gym_id=gym_id, plugin_id=plugin_id)
    installation = PluginInstallation.objects.create(
        plugin_id=plugin_id,
        version=version,
        granted_capabilities=granted,
        service_account_id=account.pk,
        installed_by=actor_id,
    )
    grants.grants_set(installation=installation, capabilities=granted)
    audit_record(
        plugin_id=plugin_id,
        installation_id=installation.pk,
        action=AuditAction.INSTALL,
        actor_id=actor_id,
        detail={"version": version, "granted": granted, "requested": list(package.manifest.capabilities)},
    )
    return installation


@transaction.atomic
def plugin_configure(
    *, installation: PluginInstallation, values: Mapping[str, Any], actor_id: UUID | None
) -> PluginInstallation:
    """Replace the configuration, validated against the installed version's schema. A secret
    field left out keeps its stored value; secrets are encrypted and never returned."""
    installation = PluginInstallation.objects.select_for_update().get(pk=installation.pk)
    manifest = _package(installation.plugin_id, installation.version).manifest
    merged = {
        **{k: v for k, v in config_full(installation=installation).items() if k in manifest.secret_fields},
        **dict(values),
    }
    if errors := _config_errors(manifest, merged):
        raise PluginRefusedError({"config": errors})
    _store_config(installation, manifest, merged)
    installation.updated_at = timezone.now()
    installation.save(update_fields=["config", "secrets", "secret_names", "updated_at"])
    audit_record(
        plugin_id=installation.plugin_id,
        installation_id=installation.pk,
        action=AuditAction.CONFIGURE,
        actor_id=actor_id,
        detail={"fields": sorted(values), "secrets_set": installation.secret_names},
    )
    return installation


def _set_status(
    installation: PluginInstallation,
    status: InstallationStatus,
    action: AuditAction,
    actor_id: UUID | None,
    reason: str = "",
) -> PluginInstallation:
    installation = PluginInstallation.objects.select_for_update().get(pk=installation.pk)
    previous = installation.status
    installation.status = status
    installation.status_reason = reason
    installation.updated_at = timezone.now()
    fields = ["status", "status_reason", "updated_at"]
    if status == InstallationStatus.ACTIVE:
        installation.activated_at = installation.updated_at
        fields.append("activated_at")
    installation.save(update_fields=fields)
    audit_record(
        plugin_id=installation.plugin_id,
        installation_id=installation.pk,
        action=action,
        actor_id=actor_id,
        detail={"from": previous, "to": status.value, **({"reason": reason} if reason else {})},
    )
    return installation


@transaction.atomic
def plugin_activate(*, installation: PluginInstallation, actor_id: UUID | None) -> PluginInstallation:
    """Start calling the plugin's hooks. Refused while its configuration does not satisfy its
    schema (e.g. a required secret is missing). Also lifts a suspension."""
    manifest = _package(installation.plugin_id, installation.version).manifest
    if errors := _config_errors(manifest, config_full(installation=installation)):
        raise PluginRefusedError({"config": errors})
    return _set_status(installation, InstallationStatus.ACTIVE, AuditAction.ACTIVATE, actor_id)


@transaction.atomic
def plugin_deactivate(*, installation: PluginInstallation, actor_id: UUID | None) -> PluginInstallation:
    """Stop calling the plugin's hooks; configuration and grants are kept."""
    return _set_status(installation, InstallationStatus.INACTIVE, AuditAction.DEACTIVATE, actor_id)


@transaction.atomic
def plugin_version_change(
    *,
    installation: PluginInstallation,
    version: str,
    granted: Iterable[str] | None,
    actor_id: UUID | None,
) -> PluginInstallation:
    """Upgrade or roll back to another catalogue version. The configuration is kept when it
    satisfies the target version's schema, else the change is refused with every reason.
    Grants default to the current ones the target still requests; capabilities only the target
    requests must be granted explicitly (``granted``)."""
    installation = PluginInstallation.objects.select_for_update().get(pk=installation.pk)
    target = _package(installation.plugin_id, version).manifest
    if granted is None:
        new_grants = sorted(set(installation.granted_capabilities) & set(target.capabilities))
    else:
        new_grants = sorted(set(granted))
    reasons: dict[str, list[str]] = {}
    if version == installation.version:
        reasons["version"] = [f"{version} is already installed"]
    if problems := _check_grants(target, new_grants):
        reasons["granted_capabilities"] = problems
    values = config_full(installation=installation)
    if values and (errors := _config_errors(target, values)):
        reasons["config"] = [f"the configuration does not fit {version}: {e}" for e in errors]
    if reasons:
        raise PluginRefusedError(reasons)
    previous = installation.version
    _store_config(installation, target, values)
    installation.version = version
    installation.granted_capabilities = new_grants
    installation.updated_at = timezone.now()
    installation.save()
    grants.grants_set(installation=installation, capabilities=new_grants)
    audit_record(
        plugin_id=installation.plugin_id,
        installation_id=installation.pk,
        action=AuditAction.UPGRADE,
        actor_id=actor_id,
        detail={"from": previous, "to": version, "granted": new_grants},
    )
    return installation


@transaction.atomic
def plugin_uninstall(*, installation: PluginInstallation, actor_id: UUID | None) -> None:
    """Remove the installation, its data, configuration and grants. The audit trail stays."""
    installation = PluginInstallation.objects.select_for_update().get(pk=installation.pk)
    removed_grants = grants.grants_revoke_all(installation=installation)
    removed_data = installation.data.count()
    audit_record(
        plugin_id=installation.plugin_id,
        installation_id=installation.pk,
        action=AuditAction.UNINSTALL,
        actor_id=actor_id,
        detail={
            "version": installation.version,
            "grants_removed": removed_grants,
            "data_removed": removed_data,
        },
    )
    installation.delete()


@transaction.atomic
def plugin_suspend(*, installation: PluginInstallation, gym_id: int, reason: str) -> PluginInstallation:
    """Stop a misbehaving plugin (threat detector): record why, tell the gym's admins with a
    notice and a ``PluginSuspended`` integration event."""
    installation = _set_status(installation, InstallationStatus.SUSPENDED, AuditAction.SUSPEND, None, reason)
    PluginNotice.objects.create(
        plugin_id=installation.plugin_id,
        audience=PluginNotice.Audience.ADMINS,
        title=f"Plugin {installation.plugin_id} was suspended",
        body=f"{reason} Review its audit log, then reactivate or uninstall it.",
    )
    publish(
        PluginSuspended(
            gym_id=gym_id, installation_id=installation.pk, plugin_id=installation.plugin_id, reason=reason
        )
    )
    return installation
