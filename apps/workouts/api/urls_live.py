"""API routes of sessions, sets, metrics, imports and exports (mounted at /api/v1/workouts/)."""

from django.urls import path

from apps.workouts.api import imports, metrics, sessions

urlpatterns = [
    path("sessions/", sessions.SessionListView.as_view(), name="api-workout-sessions"),
    path("sessions/<uuid:session_id>/", sessions.SessionDetailView.as_view(), name="api-workout-session"),
    path(
        "sessions/<uuid:session_id>/sets/",
        sessions.SessionSetsView.as_view(),
        name="api-workout-session-sets",
    ),
    path(
        "sessions/<uuid:session_id>/finish/",
        sessions.SessionFinishView.as_view(),
        name="api-workout-session-finish",
    ),
    path(
        "sessions/<uuid:session_id>/substitutes/",
        sessions.SessionSubstitutesView.as_view(),
        name="api-workout-session-substitutes",
    ),
    path(
        "sessions/<uuid:session_id>/swap/",
        sessions.SessionSwapView.as_view(),
        name="api-workout-session-swap",
    ),
    path("sets/", sessions.SetListView.as_view(), name="api-workout-sets"),
    path("records/", sessions.RecordListView.as_view(), name="api-workout-records"),
    path("plates/", sessions.PlatesView.as_view(), name="api-workout-plates"),
    path("progress/", metrics.ProgressView.as_view(), name="api-workout-progress"),
    path("history/import/", imports.HistoryImportView.as_view(), name="api-workout-import"),
    path("history/export/", imports.HistoryExportView.as_view(), name="api-workout-export"),
]
