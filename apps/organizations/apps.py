from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Gyms (tenants), their domains, plans and memberships."""

    name = "apps.organizations"
    label = "organizations"
