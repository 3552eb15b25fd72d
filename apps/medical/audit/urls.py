"""``/audit/`` on a gym's host."""

from django.urls import path

from apps.medical.audit.views import audit_page

urlpatterns = [path("", audit_page, name="audit")]
