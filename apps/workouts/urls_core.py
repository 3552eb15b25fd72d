"""Training pages of the gym's host (core): the exercise library and the program builder."""

from django.urls import URLPattern, path

from apps.workouts import views_core

urlpatterns: list[URLPattern] = [
    path("library/", views_core.library, name="training-library"),
    path("programs/", views_core.programs, name="training-programs"),
    path("programs/new/", views_core.program_builder, name="training-program-new"),
    path("programs/<uuid:program_id>/", views_core.program_builder, name="training-program"),
]
