from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Gyms (tenants), their domains, plans and memberships."""

    name = "apps.organizations"
    label = "organizations"

    def ready(self) -> None:
        # Registers `migrate_schemas --executor=parallel` (executors are found by subclass).
        from apps.organizations import migration_executor  # noqa: F401
