"""The Celery app. tenant-schemas-celery carries the gym's schema in each message's headers."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("gymstack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
