"""URLs of the public host (``<PLATFORM_DOMAIN>``): landing, gym sign-up, staff admin."""

from django.contrib import admin
from django.urls import include, path

from apps.edge import views as edge
from apps.organizations import views as organizations
from apps.organizations.api.views import SignUpView
from apps.plugins import urls as plugins
from config.urls_common import common_patterns

admin.site.site_header = "Gymstack platform administration"

urlpatterns = [
    *common_patterns("config.urls_public"),
    path("", edge.landing, name="landing"),
    path("signup/", organizations.sign_up, name="signup"),
    path("admin/", admin.site.urls),
    path("api/v1/gyms/", SignUpView.as_view(), name="api-signup"),
]

# --- Plugin platform (apps.plugins)
urlpatterns = [
    *plugins.admin_pages,
    *urlpatterns,
    path("api/v1/", include(plugins.public_api)),
    *plugins.public_pages,
]

handler400 = "apps.edge.errors.bad_request"
handler403 = "apps.edge.errors.permission_denied"
handler404 = "apps.edge.errors.page_not_found"
handler500 = "apps.edge.errors.server_error"
