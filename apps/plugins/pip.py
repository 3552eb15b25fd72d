"""Policy information points: the attributes the PDP decides on, gathered once per call."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django_tenants.utils import get_tenant_model

from apps.common.tenancy import current_schema, tenant_connection
from apps.organizations.facade import api as organizations
from apps.plugins.capabilities import PlanTier, plan_tier
from apps.plugins.grants import granted_codenames
from apps.plugins.manifest import Manifest
from apps.plugins.models import InstallationStatus, PluginInstallation
from apps.plugins.policy import Subject


@dataclass(frozen=True, slots=True)
class GymContext:
    id: int
    schema_name: str
    plan: PlanTier


def gym_context() -> GymContext:
    """The gym whose schema the connection is on (its id and plan). A request or a tenant task
    has the gym on the connection already; a bare ``schema_context`` is looked up by schema."""
    tenant = getattr(tenant_connection(), "tenant", None)
    schema = current_schema()
    if schema == "public":
        raise RuntimeError("Plugins run only inside a gym's schema.")
    if tenant is not None and getattr(tenant, "schema_name", None) == schema and hasattr(tenant, "plan"):
        return GymContext(id=int(tenant.id), schema_name=schema, plan=plan_tier(str(tenant.plan)))
    gym = get_tenant_model().objects.only("id", "plan").get(schema_name=schema)
    return GymContext(id=int(gym.pk), schema_name=schema, plan=plan_tier(str(gym.plan)))


def subject_for(*, installation: PluginInstallation, manifest: Manifest, gym: GymContext) -> Subject:
    """Plan (gym), state (installation), declared capabilities and hosts (manifest), grants
    (guardian rows of the service account): one query for the grants."""
    return Subject(
        gym_id=gym.id,
        plugin_id=installation.plugin_id,
        active=installation.status == InstallationStatus.ACTIVE,
        plan=gym.plan,
        declared=frozenset(manifest.capabilities),
        granted=granted_codenames(
            installation_id=installation.pk, service_account_id=installation.service_account_id
        ),
        http_hosts=frozenset(manifest.http_hosts),
    )


def member_role(*, gym_id: int, member_id: UUID) -> str:
    """The person's role in this gym, or "" when they are not an active member (roles PIP)."""
    membership = organizations.active_membership(gym_id=gym_id, user_id=member_id)
    return "" if membership is None else membership.role.value
