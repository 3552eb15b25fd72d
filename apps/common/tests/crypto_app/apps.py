from django.apps import AppConfig


class CryptoTestAppConfig(AppConfig):
    """A tenant app installed only by the test settings: a real table with every encrypted
    field type, for the field and key-rotation tests."""

    name = "apps.common.tests.crypto_app"
    label = "crypto_test"
    default_auto_field = "django.db.models.BigAutoField"
