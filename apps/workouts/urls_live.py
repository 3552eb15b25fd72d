"""Pages of sessions and progress (mounted at /workouts/)."""

from django.urls import path

from apps.workouts import views_live

urlpatterns = [
    path("today/", views_live.today, name="workouts-today"),
    path("sessions/start/", views_live.session_start, name="workouts-session-start"),
    path("sessions/<uuid:session_id>/", views_live.session_page, name="workouts-session"),
    path("sessions/<uuid:session_id>/finish/", views_live.session_finish, name="workouts-session-finish"),
    path("members/<uuid:member_id>/live/", views_live.member_live, name="workouts-member-live"),
    path("progress/", views_live.progress, name="workouts-progress"),
    path("history/", views_live.history, name="workouts-history"),
]
