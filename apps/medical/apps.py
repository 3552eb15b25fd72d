from django.apps import AppConfig


class MedicalConfig(AppConfig):
    """Health screening, restrictions, consent and PHI audit."""

    name = "apps.medical"
    label = "medical"
