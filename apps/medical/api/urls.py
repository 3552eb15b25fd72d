"""Routes of the medical API, mounted at ``/api/v1/medical/``. Ids only in paths."""

from __future__ import annotations

from django.urls import URLPattern, path

from apps.medical.api import views as v

urlpatterns: list[URLPattern] = [
    path("questionnaire/", v.QuestionnaireView.as_view(), name="medical-questionnaire"),
    path("screenings/", v.ScreeningCreateView.as_view(), name="medical-screenings"),
    path("consents/", v.ConsentsView.as_view(), name="medical-consents"),
    path("consents/<uuid:consent_id>/", v.ConsentView.as_view(), name="medical-consent"),
    path("clients/", v.ClientsView.as_view(), name="medical-clients"),
    path("rules/", v.RulesView.as_view(), name="medical-rules"),
    path("rules/<uuid:rule_id>/", v.RuleView.as_view(), name="medical-rule"),
    path("break-glass/", v.BreakGlassReviewView.as_view(), name="medical-break-glass-review"),
    path("me/export/json/", v.ExportJsonView.as_view(), name="medical-export-json"),
    path("me/export/pdf/", v.ExportPdfView.as_view(), name="medical-export-pdf"),
    path("members/<uuid:member_id>/summary/", v.SummaryView.as_view(), name="medical-summary"),
    path("members/<uuid:member_id>/record/", v.RecordView.as_view(), name="medical-record"),
    path("members/<uuid:member_id>/conditions/", v.ConditionsView.as_view(), name="medical-conditions"),
    path(
        "members/<uuid:member_id>/conditions/<uuid:item_id>/",
        v.ConditionView.as_view(),
        name="medical-condition",
    ),
    path("members/<uuid:member_id>/injuries/", v.InjuriesView.as_view(), name="medical-injuries"),
    path("members/<uuid:member_id>/injuries/<uuid:item_id>/", v.InjuryView.as_view(), name="medical-injury"),
    path("members/<uuid:member_id>/medications/", v.MedicationsView.as_view(), name="medical-medications"),
    path(
        "members/<uuid:member_id>/medications/<uuid:item_id>/",
        v.MedicationView.as_view(),
        name="medical-medication",
    ),
    path("members/<uuid:member_id>/restrictions/", v.RestrictionsView.as_view(), name="medical-restrictions"),
    path(
        "members/<uuid:member_id>/restrictions/<uuid:item_id>/",
        v.RestrictionView.as_view(),
        name="medical-restriction",
    ),
    path("members/<uuid:member_id>/clearances/", v.ClearancesView.as_view(), name="medical-clearances"),
    path(
        "members/<uuid:member_id>/clearances/<uuid:clearance_id>/document/",
        v.ClearanceDocumentView.as_view(),
        name="medical-clearance-document",
    ),
    path("members/<uuid:member_id>/break-glass/", v.BreakGlassView.as_view(), name="medical-break-glass"),
]
