"""URLs of a gym's host (``<subdomain>.<PLATFORM_DOMAIN>``)."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from apps.edge import views as edge
from apps.edge.api.views import SessionView
from apps.organizations.api.views import (
    CoachingViewSet,
    GymProfileView,
    HipaaModeView,
    MemberViewSet,
    MyMembershipsView,
)
from apps.users.api.views import ApiTokenViewSet, MeView
from config.urls_common import common_patterns

router = DefaultRouter()
router.register("members", MemberViewSet, basename="member")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("coaching", CoachingViewSet, basename="coaching")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/session/", SessionView.as_view(), name="api-session"),
    path("gym/", GymProfileView.as_view(), name="api-gym"),
    path("gym/hipaa/", HipaaModeView.as_view(), name="api-gym-hipaa"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/memberships/", MyMembershipsView.as_view(), name="api-my-memberships"),
    path("", include(router.urls)),
    # -- workouts: core (catalogue, programs, recommendations) --
    path("", include("apps.workouts.api.urls")),
]

urlpatterns = [
    *common_patterns("config.urls_tenant"),
    path("", edge.dashboard, name="dashboard"),
    path("login/", edge.GymLoginView.as_view(), name="login"),
    path("logout/", edge.GymLogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    # -- workouts (live): sessions, sets, metrics, history; today's workout and progress pages
    path("api/v1/workouts/", include("apps.workouts.api.urls_live")),
    path("workouts/", include("apps.workouts.urls_live")),
]

handler400 = "apps.edge.errors.bad_request"
handler403 = "apps.edge.errors.permission_denied"
handler404 = "apps.edge.errors.page_not_found"
handler500 = "apps.edge.errors.server_error"
