"""URLs of a gym's host (``<subdomain>.<PLATFORM_DOMAIN>``): pages and ``/api/v1/``, by context."""

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
from apps.plugins import urls as plugins
from apps.users import views as users_views
from apps.users.api import views as users_api
from apps.users.api.views import ApiTokenViewSet, MeView
from apps.workouts.admin import site as training_admin
from config.urls_common import common_patterns

router = DefaultRouter()
router.register("members", MemberViewSet, basename="member")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("coaching", CoachingViewSet, basename="coaching")

api_v1: list[URLPattern | URLResolver] = [
    # identity and sign-in (apps.users, apps.edge; MFA and re-authentication: ADR 0014)
    path("auth/session/", SessionView.as_view(), name="api-session"),
    path("auth/mfa/verify/", users_api.MfaVerifyView.as_view(), name="api-mfa-verify"),
    path("auth/reauth/", users_api.ReauthView.as_view(), name="api-reauth"),
    path("auth/password/", users_api.PasswordChangeView.as_view(), name="api-password"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/memberships/", MyMembershipsView.as_view(), name="api-my-memberships"),
    path("me/mfa/", users_api.MfaView.as_view(), name="api-mfa"),
    path("me/mfa/totp/", users_api.MfaTotpView.as_view(), name="api-mfa-totp"),
    path("me/mfa/totp/confirm/", users_api.MfaTotpConfirmView.as_view(), name="api-mfa-totp-confirm"),
    path("me/mfa/recovery-codes/", users_api.MfaRecoveryCodesView.as_view(), name="api-mfa-recovery-codes"),
    # the gym (apps.organizations)
    path("gym/", GymProfileView.as_view(), name="api-gym"),
    path("gym/hipaa/", HipaaModeView.as_view(), name="api-gym-hipaa"),
    path("", include(router.urls)),
    # training: catalogue, programs, recommendations (apps.workouts)
    path("", include("apps.workouts.api.urls")),
    # health data and its audit trail (apps.medical)
    path("medical/", include("apps.medical.api.urls")),
    path("audit/", include("apps.medical.audit.rest.urls")),
    # plugins installed in this gym (apps.plugins)
    path("", include(plugins.gym_api)),
    # training: sessions, sets, metrics, history (apps.workouts)
    path("workouts/", include("apps.workouts.api.urls_live")),
]

urlpatterns = [
    *common_patterns("config.urls_tenant"),
    path("", edge.dashboard, name="dashboard"),
    path("login/", edge.GymLoginView.as_view(), name="login"),
    path("logout/", edge.GymLogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    # account security (apps.users)
    path("mfa/", users_views.mfa_overview, name="mfa"),
    path("mfa/setup/", users_views.mfa_setup, name="mfa-setup"),
    path("mfa/verify/", users_views.mfa_verify, name="mfa-verify"),
    path("mfa/reauth/", users_views.reauth, name="mfa-reauth"),
    path("mfa/disable/", users_views.mfa_disable, name="mfa-disable"),
    path("mfa/recovery-codes/", users_views.recovery_codes, name="mfa-recovery-codes"),
    path("password/", users_views.password_change, name="password-change"),
    # training pages (apps.workouts): library and programs; today's workout, progress, history
    path("training/", include("apps.workouts.urls_core")),
    path("manage/training/", training_admin.urls),
    path("workouts/", include("apps.workouts.urls_live")),
    # health pages and the compliance officer's audit view (apps.medical)
    path("health/", include("apps.medical.urls")),
    path("audit/", include("apps.medical.audit.urls")),
    # plugin pages (apps.plugins)
    *plugins.gym_pages,
]

handler400 = "apps.edge.errors.bad_request"
handler403 = "apps.edge.errors.permission_denied"
handler404 = "apps.edge.errors.page_not_found"
handler500 = "apps.edge.errors.server_error"
