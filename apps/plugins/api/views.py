"""The plugin API. On a gym's host: the gym's installations and their lifecycle, for owners
and admins only (other members 403, non-members 404). On the public host: the catalogue and a
validator for plugin authors."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api.permissions import MANAGERS, IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as _gym_id
from apps.plugins import registry, selectors, services
from apps.plugins.api import serializers as s
from apps.plugins.manifest import ManifestError, manifest_validate
from apps.plugins.models import PluginInstallation


class IsGymManager(IsActiveGymMember):
    """An active owner or admin of the gym being served."""

    def has_permission(self, request: Request, view: Any) -> bool:
        super().has_permission(request, view)
        if current_role(request) not in MANAGERS:
            raise exceptions.PermissionDenied("Only the gym's owners and admins manage plugins.")
        return True


def _refused(exc: services.PluginRefusedError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.reasons)


class GymCatalogueView(APIView):
    """Every plugin version this gym may install, with the capabilities each one requests."""

    permission_classes = [IsGymManager]

    @extend_schema(responses=s.PluginVersionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([registry.package_summary(p) for p in registry.catalogue().all()])


class InstallationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """The plugins installed in this gym."""

    permission_classes = [IsGymManager]
    serializer_class = s.InstallationSerializer
    queryset = PluginInstallation.objects.none()  # for the schema generator; real scoping below
    lookup_value_regex = "[0-9a-f-]{36}"
    pagination_class = None

    def get_queryset(self) -> QuerySet[PluginInstallation]:
        if getattr(self, "swagger_fake_view", False):
            return PluginInstallation.objects.none()
        return selectors.installations()

    def get_object(self) -> PluginInstallation:
        try:
            return selectors.installation_get(installation_id=UUID(str(self.kwargs["pk"])))
        except (ValueError, PluginInstallation.DoesNotExist) as exc:
            raise Http404 from exc

    def _out(self, installation: PluginInstallation, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.InstallationSerializer(installation).data, status=code)

    @extend_schema(request=s.InstallSerializer, responses={201: s.InstallationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Install a catalogue version, granting (a subset of) the capabilities it requests."""
        data = s.InstallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            installation = services.plugin_install(
                gym_id=_gym_id(request),
                plugin_id=data.validated_data["plugin_id"],
                version=data.validated_data["version"],
                granted=data.validated_data["granted_capabilities"],
                actor_id=caller_id(request),
            )
        except services.PluginRefusedError as exc:
            raise _refused(exc) from exc
        return self._out(installation, status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Uninstall: removes the plugin's data, configuration and grants (the audit stays)."""
        services.plugin_uninstall(installation=self.get_object(), actor_id=caller_id(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ConfigSerializer, responses=s.InstallationSerializer)
    @action(detail=True, methods=["put"])
    def config(self, request: Request, pk: str) -> Response:
        """Replace the configuration. Secret fields are write-only: left out, they keep their value."""
        data = s.ConfigSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            installation = services.plugin_configure(
                installation=self.get_object(),
                values=data.validated_data["config"],
                actor_id=caller_id(request),
            )
        except services.PluginRefusedError as exc:
            raise _refused(exc) from exc
        return self._out(installation)

    @extend_schema(request=None, responses=s.InstallationSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        try:
            installation = services.plugin_activate(
                installation=self.get_object(), actor_id=caller_id(request)
            )
        except services.PluginRefusedError as exc:
            raise _refused(exc) from exc
        return self._out(installation)

    @extend_schema(request=None, responses=s.InstallationSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        return self._out(
            services.plugin_deactivate(installation=self.get_object(), actor_id=caller_id(request))
        )

    @extend_schema(request=s.VersionChangeSerializer, responses=s.InstallationSerializer)
    @action(detail=True, methods=["post"])
    def version(self, request: Request, pk: str) -> Response:
        """Upgrade or roll back; the configuration is kept when the target's schema allows it."""
        data = s.VersionChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            installation = services.plugin_version_change(
                installation=self.get_object(),
                version=data.validated_data["version"],
                granted=data.validated_data.get("granted_capabilities"),
                actor_id=caller_id(request),
            )
        except services.PluginRefusedError as exc:
            raise _refused(exc) from exc
        return self._out(installation)

    @extend_schema(responses=s.AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def audit(self, request: Request, pk: str) -> Response:
        rows = selectors.audit_of(plugin_id=self.get_object().plugin_id)[:200]
        return Response(s.AuditEntrySerializer(rows, many=True).data)

    @extend_schema(responses=s.CallStatsSerializer(many=True))
    @action(detail=True, methods=["get"])
    def metrics(self, request: Request, pk: str) -> Response:
        return Response(selectors.call_stats(plugin_id=self.get_object().plugin_id))


class NoticeListView(APIView):
    """What the platform told this gym's admins about its plugins (e.g. suspensions)."""

    permission_classes = [IsGymManager]

    @extend_schema(responses=s.NoticeSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(s.NoticeSerializer(selectors.notices_for_admins()[:100], many=True).data)


class PublicCatalogueView(APIView):
    """The public catalogue: every valid plugin version, newest first per plugin."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.PluginVersionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([registry.package_summary(p) for p in registry.catalogue().all()])


class ValidateView(APIView):
    """For plugin authors: check a package before publishing. 200 when valid, else 400 listing
    every reason (shape, host-API range, hooks, capabilities, limits, hashes, signature)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.ValidateSerializer,
        responses={200: s.ValidResultSerializer, 400: OpenApiResponse(description="Every reason")},
    )
    def post(self, request: Request) -> Response:
        data = s.ValidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files: dict[str, bytes] = {}
        bad: list[str] = []
        if len(data.validated_data["artifacts"]) > 20:
            raise exceptions.ValidationError({"artifacts": ["At most 20 artifacts."]})
        for name, b64 in data.validated_data["artifacts"].items():
            try:
                files[name] = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                bad.append(f"artifacts/{name}: not base64")
        try:
            manifest = manifest_validate(
                data.validated_data["manifest"], files=files, trusted_keys=registry.trusted_keys()
            )
        except ManifestError as exc:
            raise exceptions.ValidationError({"manifest": bad + exc.reasons}) from exc
        if bad:
            raise exceptions.ValidationError({"manifest": bad})
        return Response({"valid": True, "id": manifest.id, "version": manifest.version})
