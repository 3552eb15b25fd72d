from django.apps import AppConfig


class MedicalAuditConfig(AppConfig):
    """The health-data audit trail: access and change entries, disclosures, the hash chain."""

    name = "apps.medical.audit"
    label = "medical_audit"
    verbose_name = "Health-data audit"

    def ready(self) -> None:
        from apps.medical.audit import checks  # noqa: F401 - registers the retention check
