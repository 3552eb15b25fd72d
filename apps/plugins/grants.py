"""Capability grants as django-guardian object permissions (the PAP's store, a PIP's source).

Each installation has a service account (an ordinary account with no password and no
membership, so it can never sign in or reach an API); a granted capability is the guardian
permission ``plugins.use_<capability>`` of that account on the installation. The rows live in
the gym's schema (ADR 0018), with the gym's own ``auth_permission`` and content types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from apps.common.tenancy import current_schema
from apps.plugins.models import PluginInstallation, capability_codename
from apps.users.facade import api as users

_content_types: dict[tuple[str, str, str], ContentType] = {}


def content_type_of(obj: Model | type[Model]) -> ContentType:
    """guardian's content-type lookup, per schema: Django's own cache is per process and would
    hand a gym the public schema's ids (contenttypes lives in both)."""
    meta = obj._meta
    key = (current_schema(), meta.app_label, meta.model_name or "")
    found = _content_types.get(key)
    if found is None:
        found = ContentType.objects.get(app_label=meta.app_label, model=meta.model_name)
        _content_types[key] = found
    return found


def service_account_ensure(*, gym_id: int, plugin_id: str) -> Any:
    """The per-gym, per-plugin service account (created without a password on first install)."""
    info = users.user_ensure(
        email=f"plugin-{plugin_id}.gym-{gym_id}@service.invalid",
        full_name=f"Plugin {plugin_id} (service account)",
    )
    return get_user_model().objects.get(pk=info.id)


def grants_set(*, installation: PluginInstallation, capabilities: Iterable[str]) -> None:
    """Make the service account hold exactly ``capabilities`` on the installation."""
    account = get_user_model().objects.get(pk=installation.service_account_id)
    grants_revoke_all(installation=installation)
    for capability in sorted(set(capabilities)):
        assign_perm(f"plugins.{capability_codename(capability)}", account, installation)


def grants_revoke_all(*, installation: PluginInstallation) -> int:
    ctype = content_type_of(PluginInstallation)
    deleted, _ = UserObjectPermission.objects.filter(
        content_type=ctype, object_pk=str(installation.pk)
    ).delete()
    return deleted


def granted_codenames(*, installation_id: Any, service_account_id: Any) -> frozenset[str]:
    """The permission codenames the service account holds on the installation (one query)."""
    ctype = content_type_of(PluginInstallation)
    return frozenset(
        UserObjectPermission.objects.filter(
            content_type=ctype, object_pk=str(installation_id), user_id=service_account_id
        ).values_list("permission__codename", flat=True)
    )
