"""The gym profile, its members and roles, and the caller's memberships across gyms."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import MANAGERS, IsActiveGymMember, caller_id, current_role
from apps.organizations import selectors, services
from apps.organizations.api import serializers as s
from apps.organizations.facade.contracts import MembershipStatus, Role
from apps.organizations.models import CoachingAssignment, Gym, Membership
from apps.organizations.routing import gym_url
from apps.organizations.views import credentials_checker
from apps.users.facade import api as users


def _gym(request: Request) -> Gym:
    return selectors.gym_get(gym_id=request._request.tenant.id)  # type: ignore[attr-defined]


class GymProfileView(generics.GenericAPIView):  # type: ignore[type-arg]
    """The gym being served. Owners and admins may change its name, colour and CORS origins."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.GymProfileSerializer

    def _out(self, request: Request, gym: Gym) -> dict[str, Any]:
        cls = s.GymManagerProfileSerializer if current_role(request) in MANAGERS else s.GymProfileSerializer
        return cls(gym, context={"request": request}).data  # type: ignore[return-value]

    @extend_schema(responses=s.GymManagerProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(self._out(request, _gym(request)))

    @extend_schema(request=s.GymProfileUpdateSerializer, responses=s.GymManagerProfileSerializer)
    def patch(self, request: Request) -> Response:
        if current_role(request) not in MANAGERS:
            raise PermissionDenied("Only owners and admins change the gym's profile.")
        data = s.GymProfileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gym = services.gym_update(gym=_gym(request), **data.validated_data)
        return Response(self._out(request, gym))


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Members of this gym and their roles. Owners and admins see and manage everyone;
    everybody else sees only their own membership."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.MembershipSerializer
    filterset_fields = ["role", "status"]
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["joined_at", "role"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    queryset = Membership.objects.none()  # for the schema generator; real scoping below

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        qs = selectors.memberships_of_gym(gym_id=self.request._request.tenant.id)  # type: ignore[attr-defined]
        if current_role(self.request) not in MANAGERS:
            qs = qs.filter(user_id=caller_id(self.request))
        return qs

    def _require_manager(self) -> Role:
        role = current_role(self.request)
        if role not in MANAGERS:
            raise PermissionDenied("Only owners and admins manage members.")
        return Role(role)

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor_role = self._require_manager()
        data = s.MembershipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():  # a refused addition leaves no new account behind
                person = users.user_ensure(
                    email=data.validated_data["email"], full_name=data.validated_data["full_name"]
                )
                membership = services.membership_add(
                    gym=_gym(request),
                    user_id=person.id,
                    role=Role(data.validated_data["role"]),
                    actor_id=caller_id(request),
                    actor_role=actor_role,
                    meta=users.request_meta(request._request),
                )
        except services.MembershipChangeDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        out = self.get_queryset().get(pk=membership.pk)
        return Response(s.MembershipSerializer(out).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        actor_role = self._require_manager()
        data = s.MembershipUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.membership_change(
                membership=membership,
                actor_role=actor_role,
                actor_id=caller_id(request),
                role=Role(data.validated_data["role"]) if "role" in data.validated_data else None,
                status=MembershipStatus(data.validated_data["status"])
                if "status" in data.validated_data
                else None,
                meta=users.request_meta(request._request),
            )
        except services.MembershipChangeDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(s.MembershipSerializer(self.get_queryset().get(pk=membership.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Remove the person from this gym (their account and other gyms are untouched)."""
        membership = self.get_object()
        actor_role = self._require_manager()
        try:
            services.membership_change(
                membership=membership,
                actor_role=actor_role,
                actor_id=caller_id(request),
                status=MembershipStatus.REMOVED,
                meta=users.request_meta(request._request),
            )
        except services.MembershipChangeDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyMembershipsView(generics.ListAPIView):  # type: ignore[type-arg]
    """Every gym the caller belongs to, with their role there."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.MyMembershipSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_of_user(user_id=caller_id(self.request))


class SignUpView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Public host: sign a gym up. The owner can sign in on the returned URL at once."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = s.SignUpSerializer

    @extend_schema(request=s.SignUpSerializer, responses={201: s.SignUpResultSerializer})
    def post(self, request: Request) -> Response:
        data = s.SignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gym = services.gym_sign_up(
            **data.validated_data,
            meta=users.request_meta(request._request),
            verify_existing_owner=credentials_checker(request._request),
        )
        subdomain = gym.subdomain or ""
        result = {
            "id": gym.pk,
            "name": gym.name,
            "subdomain": subdomain,
            "url": gym_url(request._request, subdomain),
            "login_url": gym_url(request._request, subdomain, "/login/"),
        }
        return Response(result, status=status.HTTP_201_CREATED)


class CoachingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Who coaches whom in this gym. Owners and admins see and manage every assignment;
    a trainer sees their own clients; anyone else sees who coaches them."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.CoachingSerializer
    filterset_fields = ["trainer_id", "client_id"]
    ordering_fields = ["assigned_at"]
    queryset = CoachingAssignment.objects.none()

    def get_queryset(self) -> QuerySet[CoachingAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return CoachingAssignment.objects.none()
        qs = selectors.coaching_of_gym(gym_id=self.request._request.tenant.id).select_related(  # type: ignore[attr-defined]
            "trainer", "client"
        )
        role, me = current_role(self.request), caller_id(self.request)
        if role in MANAGERS:
            return qs
        if role == Role.TRAINER.value:
            return qs.filter(trainer_id=me)
        return qs.filter(client_id=me)

    @extend_schema(request=s.CoachingCreateSerializer, responses={201: s.CoachingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        role = current_role(request)
        if role not in MANAGERS:
            raise PermissionDenied("Only owners and admins assign coaches.")
        data = s.CoachingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.coaching_assign(
            gym=_gym(request),
            trainer_id=data.validated_data["trainer_id"],
            client_id=data.validated_data["client_id"],
            actor_id=caller_id(request),
            actor_role=Role(role),
            meta=users.request_meta(request._request),
        )
        out = self.get_queryset().get(pk=assignment.pk)
        return Response(s.CoachingSerializer(out).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        role = current_role(request)
        if role not in MANAGERS:
            raise PermissionDenied("Only owners and admins unassign coaches.")
        services.coaching_unassign(
            assignment=assignment,
            actor_id=caller_id(request),
            actor_role=Role(role),
            meta=users.request_meta(request._request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class HipaaModeView(generics.GenericAPIView):  # type: ignore[type-arg]
    """The gym's HIPAA mode. Owners turn it on (accepting the business associate agreement)
    or off; owners and admins see it."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.HipaaModeSerializer

    def get_object(self) -> Gym:
        return _gym(self.request)

    @staticmethod
    def _out(gym: Gym) -> dict[str, Any]:
        return {"hipaa_mode": gym.hipaa_mode, "baa_accepted_at": gym.baa_accepted_at}

    @extend_schema(responses=s.HipaaModeResultSerializer)
    def get(self, request: Request) -> Response:
        if current_role(request) not in MANAGERS:
            raise PermissionDenied("Only owners and admins see HIPAA mode.")
        return Response(s.HipaaModeResultSerializer(self._out(self.get_object())).data)

    @extend_schema(request=s.HipaaModeSerializer, responses=s.HipaaModeResultSerializer)
    def put(self, request: Request) -> Response:
        role = current_role(request)
        if role != Role.OWNER.value:
            raise PermissionDenied("Only an owner changes HIPAA mode.")
        data = s.HipaaModeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gym = services.gym_hipaa_mode_set(
            gym=self.get_object(),
            enabled=data.validated_data["enabled"],
            accept_baa=data.validated_data["accept_baa"],
            actor_id=caller_id(request),
            actor_role=Role(role),
            meta=users.request_meta(request._request),
        )
        return Response(s.HipaaModeResultSerializer(self._out(gym)).data)
