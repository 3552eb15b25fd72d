"""API authentication: personal tokens (bound to one gym) and sessions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.common.api.permissions import MfaRequired
from apps.organizations.facade import api as organizations
from apps.users.facade import api as users
from apps.users.facade.contracts import TokenPrincipal


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer gst_<prefix>_<secret>`` (``Token`` is accepted as the keyword too).

    A token is valid only on the gym it was created for: on any other host it is refused
    exactly like an unknown token.
    """

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, TokenPrincipal] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        found = users.authenticate_token(raw=header[1])
        route = getattr(request._request, "tenant", None)
        if found is None or route is None or route.is_public or found[1].gym_id != route.id:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        user, principal = found
        # Membership is checked on every request, so removing a member ends their tokens too.
        request._request.membership = organizations.active_membership(  # type: ignore[attr-defined]
            gym_id=route.id, user_id=user.pk
        )
        # A token of a role that needs MFA works only if it was made from an MFA-verified session.
        if not principal.mfa_verified and users.mfa_required(request._request):
            raise MfaRequired()
        return user, principal

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """Session cookies of the gym's own host, CSRF-checked like DRF's."""


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apps.edge.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apps.edge.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "gst_<prefix>_<secret>"}
