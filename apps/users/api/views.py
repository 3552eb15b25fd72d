"""The caller's own account and personal API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id
from apps.users import selectors, services
from apps.users.api import serializers as s
from apps.users.facade.api import request_meta
from apps.users.facade.contracts import TokenPrincipal
from apps.users.models import ApiToken


class MeView(generics.RetrieveAPIView):  # type: ignore[type-arg]
    """The signed-in person."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.MeSerializer

    def get_object(self) -> Any:
        return self.request.user


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Your personal API tokens for this gym. A new token is shown once; delete revokes it."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.ApiTokenSerializer
    filter_backends: list[Any] = []

    queryset = ApiToken.objects.none()  # for the schema generator; real scoping below

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.tokens_of_user(
            user_id=caller_id(self.request),
            gym_id=self.request._request.tenant.id,  # type: ignore[attr-defined]
        )

    @extend_schema(request=s.ApiTokenCreateSerializer, responses={201: s.ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.auth, TokenPrincipal):
            # A stolen short-lived token must not be able to mint a long-lived one.
            raise PermissionDenied("Create API tokens from a signed-in session, not with a token.")
        data = s.ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, plaintext = services.token_create(
            user_id=caller_id(request),
            gym_id=request._request.tenant.id,  # type: ignore[attr-defined]
            name=data.validated_data["name"],
            lifetime=timedelta(days=data.validated_data["expires_in_days"]),
            meta=request_meta(request._request),
        )
        body = dict(s.ApiTokenSerializer(token).data)
        body["token"] = plaintext
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.token_revoke(
            token=self.get_object(), actor_id=caller_id(request), meta=request_meta(request._request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
