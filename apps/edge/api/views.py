"""Edge endpoints of the API: sign in and out with a session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api.serializers import StrictSerializer
from apps.edge.views import SIGN_IN_ERROR
from apps.organizations.facade import api as organizations
from apps.users.facade.contracts import TokenPrincipal


class SessionLoginSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class SessionView(APIView):
    """POST signs in on this gym's host (a session cookie for this host only); DELETE signs out.

    Five failures for one email from one IP lock that pair out for 30 minutes (429).
    """

    permission_classes = [permissions.AllowAny]
    # JSON only: a cross-site form cannot send it without a CORS preflight (no login CSRF).
    parser_classes = [JSONParser]

    @extend_schema(request=SessionLoginSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = SessionLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = request._request.tenant  # type: ignore[attr-defined]
        user: Any = authenticate(
            request._request, username=data.validated_data["email"], password=data.validated_data["password"]
        )
        # A non-member is told the same as a wrong password: nothing reveals who belongs where.
        if (
            user is None
            or route.is_public
            or organizations.active_membership(gym_id=route.id, user_id=user.pk) is None
        ):
            raise ValidationError({"non_field_errors": [SIGN_IN_ERROR]})
        login(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        # Signing out ends every session and token of the person (ADR 0014); a token caller
        # has no session here, so nothing happens (revoke a token with DELETE /api/v1/tokens/<id>/).
        if not isinstance(request.auth, TokenPrincipal):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
