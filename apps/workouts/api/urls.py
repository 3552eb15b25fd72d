"""The training API's core routes (included under /api/v1/ by config/urls_tenant.py)."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from apps.workouts.api.catalogue import (
    ExerciseViewSet,
    RestrictionOverrideViewSet,
    TrainingProfileView,
    TrainingSetupView,
)
from apps.workouts.api.programs import AssignmentViewSet, ProgramViewSet
from apps.workouts.api.recommendations import RecommendationView

router = DefaultRouter()
router.include_root_view = False
router.register("exercises", ExerciseViewSet, basename="exercise")
router.register("programs", ProgramViewSet, basename="program")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("restriction-overrides", RestrictionOverrideViewSet, basename="restriction-override")

urlpatterns: list[URLPattern | URLResolver] = [
    path("training/setup/", TrainingSetupView.as_view(), name="api-training-setup"),
    path("training/profile/", TrainingProfileView.as_view(), name="api-training-profile"),
    path("recommendations/", RecommendationView.as_view(), name="api-recommendations"),
    path("", include(router.urls)),
]
