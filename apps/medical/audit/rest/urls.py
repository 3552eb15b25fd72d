"""``/api/v1/audit/`` on a gym's host."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from apps.medical.audit.rest.views import AuditEntryListView, ComplianceOfficerView, DisclosureViewSet

router = SimpleRouter()
router.register("disclosures", DisclosureViewSet, basename="audit-disclosure")

urlpatterns: list[URLPattern | URLResolver] = [
    path("entries/", AuditEntryListView.as_view(), name="api-audit-entries"),
    path("compliance-officer/", ComplianceOfficerView.as_view(), name="api-audit-officer"),
    path("", include(router.urls)),
]
