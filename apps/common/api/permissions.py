"""Deny-by-default permissions shared by every context's API.

The edge's authentication classes resolve the caller's active membership of the gym being
served and put it on the request as ``membership`` (``None`` when there is none), so these
classes need no knowledge of how memberships are stored.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from rest_framework import exceptions, permissions
from rest_framework.request import Request

MANAGERS = frozenset({"owner", "admin"})  # the roles that run a gym (organizations.Role)


class MfaRequired(exceptions.PermissionDenied):
    """The caller's role needs MFA and this API token was not made from an MFA-verified session."""

    default_code = "mfa_required"
    default_detail = (
        "Your role in this gym requires multi-factor authentication, and this token was not created "
        "from an MFA-verified session. Verify MFA in a session and create a new token."
    )


class ReauthRequired(exceptions.PermissionDenied):
    """A sensitive action needs a recent re-authentication (POST /api/v1/auth/reauth/)."""

    default_code = "reauth_required"
    default_detail = "Confirm your password (and code) at POST /api/v1/auth/reauth/ first, then retry."


def caller_id(request: Request) -> UUID:
    """The signed-in caller's user id (permissions have already refused anonymous callers)."""
    pk = request.user.pk
    if pk is None:
        raise exceptions.NotAuthenticated()
    return UUID(str(pk))


def current_membership(request: Request) -> Any:
    """The caller's active membership of the gym being served, or None."""
    return getattr(request._request, "membership", None)


def current_role(request: Request) -> str | None:
    membership = current_membership(request)
    return None if membership is None else str(membership.role)


class IsActiveGymMember(permissions.BasePermission):
    """The default: authenticated, on a gym host, and an active member of that gym.

    A signed-in non-member is answered 404 (``NotFound``), so the API reveals nothing about
    what exists in a gym the caller does not belong to.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if current_membership(request) is None:
            raise exceptions.NotFound()
        return True
