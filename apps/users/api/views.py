"""The caller's own account and personal API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api.permissions import IsActiveGymMember, ReauthRequired, caller_id
from apps.common.tenancy import current_gym_id as _gym_id
from apps.users import mfa, selectors, services, session_state
from apps.users.api import serializers as s
from apps.users.facade import api as users_facade
from apps.users.facade.api import request_meta
from apps.users.facade.contracts import SecurityEventKind, TokenPrincipal
from apps.users.models import ApiToken, User


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
            mfa_verified=users_facade.mfa_verified(request),
        )
        body = dict(s.ApiTokenSerializer(token).data)
        body["token"] = plaintext
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.token_revoke(
            token=self.get_object(), actor_id=caller_id(request), meta=request_meta(request._request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- MFA, re-authentication, password and email (SECURITY.md 17-19, 22; ADR 0014)


def _session_only(request: Request) -> None:
    if isinstance(request.auth, TokenPrincipal):
        raise PermissionDenied("Do this from a signed-in session, not with an API token.")


def _require_reauth(request: Request) -> None:
    if not users_facade.recently_authenticated(
        request, within_seconds=int(settings.REAUTH_WINDOW.total_seconds())
    ):
        raise ReauthRequired()


def _keep_this_session(request: Request, *, mfa_verified: bool) -> None:
    """After a change that ended every session of the caller: keep (and re-key) this one."""
    user = User.objects.get(pk=caller_id(request))
    update_session_auth_hash(request._request, user)
    if mfa_verified:
        session_state.mark_mfa_verified(request._request.session)
    else:
        session_state.clear_mfa(request._request.session)


def _check_password(request: Request, password: str) -> bool:
    """Through ``authenticate``, so failures count towards the lockout (django-axes)."""
    user: Any = authenticate(request._request, username=getattr(request.user, "email", ""), password=password)
    return user is not None and user.pk == request.user.pk


class MeView(generics.RetrieveAPIView):  # type: ignore[type-arg]
    """The signed-in person. PATCH changes the sign-in email (after a recent
    re-authentication, ``POST /api/v1/auth/reauth/``)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.MeSerializer

    def get_object(self) -> Any:
        return self.request.user

    @extend_schema(request=s.MeUpdateSerializer, responses=s.MeSerializer)
    def patch(self, request: Request) -> Response:
        _session_only(request)
        data = s.MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _require_reauth(request)
        user = services.user_email_change(
            user_id=caller_id(request),
            email=data.validated_data["email"],
            gym_id=_gym_id(request),
            meta=request_meta(request._request),
        )
        return Response(s.MeSerializer(user).data)


class MfaView(APIView):
    """GET: your MFA status in this gym. DELETE: remove your authenticator and recovery codes
    (after a recent re-authentication); every session and token of yours ends but this one."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(responses=s.MfaStatusSerializer)
    def get(self, request: Request) -> Response:
        user_id = caller_id(request)
        body = {
            "enrolled": mfa.is_enrolled(user_id=user_id),
            "mfa_required": users_facade.mfa_required(request),
            "mfa_verified": users_facade.mfa_verified(request),
            "recovery_codes_left": mfa.recovery_codes_left(user_id=user_id),
        }
        return Response(s.MfaStatusSerializer(body).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        _session_only(request)
        _require_reauth(request)
        mfa.mfa_disable(
            user_id=caller_id(request), gym_id=_gym_id(request), meta=request_meta(request._request)
        )
        _keep_this_session(request, mfa_verified=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MfaTotpView(APIView):
    """Start setting up an authenticator app: returns its secret, otpauth URL and QR code.
    Replacing one already confirmed needs a recent re-authentication."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=None, responses={201: s.TotpProvisioningSerializer})
    def post(self, request: Request) -> Response:
        _session_only(request)
        user_id = caller_id(request)
        if mfa.is_enrolled(user_id=user_id):
            _require_reauth(request)
        device = mfa.totp_enrolment_start(user_id=user_id)
        info = mfa.provisioning(device=device, email=str(getattr(request.user, "email", "")))
        body = {"secret": info.secret, "otpauth_url": info.otpauth_url, "qr_svg": info.qr_svg}
        return Response(s.TotpProvisioningSerializer(body).data, status=status.HTTP_201_CREATED)


class MfaTotpConfirmView(APIView):
    """Confirm the new authenticator with a current code. Returns recovery codes, shown once.
    This session counts as MFA-verified; your other sessions and tokens end."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=s.CodeSerializer, responses=s.RecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        _session_only(request)
        data = s.CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa.totp_enrolment_confirm(
            user_id=caller_id(request),
            code=data.validated_data["code"],
            gym_id=_gym_id(request),
            meta=request_meta(request._request),
        )
        _keep_this_session(request, mfa_verified=True)
        response = Response(s.RecoveryCodesSerializer({"recovery_codes": codes}).data)
        response["Cache-Control"] = "no-store"
        return response


class MfaRecoveryCodesView(APIView):
    """Replace your recovery codes (after a recent re-authentication). Shown once."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=None, responses=s.RecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        _session_only(request)
        _require_reauth(request)
        codes = mfa.recovery_codes_renew(
            user_id=caller_id(request), gym_id=_gym_id(request), meta=request_meta(request._request)
        )
        _keep_this_session(request, mfa_verified=True)
        response = Response(s.RecoveryCodesSerializer({"recovery_codes": codes}).data)
        response["Cache-Control"] = "no-store"
        return response


class MfaVerifyView(APIView):
    """Verify MFA for this session with a current code or a recovery code (spent)."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=s.CodeSerializer, responses=s.MfaVerifiedSerializer)
    def post(self, request: Request) -> Response:
        _session_only(request)
        data = s.CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id = caller_id(request)
        if not mfa.is_enrolled(user_id=user_id):
            raise ValidationError(
                {"code": ["Set up an authenticator app first (POST /api/v1/me/mfa/totp/)."]}
            )
        method = mfa.mfa_verify(
            user_id=user_id,
            code=data.validated_data["code"],
            gym_id=_gym_id(request),
            meta=request_meta(request._request),
        )
        if method is None:
            raise ValidationError({"code": [mfa.INVALID_CODE]})
        request._request.session.cycle_key()
        session_state.mark_mfa_verified(request._request.session)
        body = {"method": method, "recovery_codes_left": mfa.recovery_codes_left(user_id=user_id)}
        return Response(s.MfaVerifiedSerializer(body).data)


class ReauthView(APIView):
    """Confirm it is still you: your password, plus a code once MFA is set up. Sensitive
    actions (email or MFA change, bulk export) are allowed for ``REAUTH_WINDOW`` afterwards."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=s.ReauthSerializer, responses=s.ReauthResultSerializer)
    def post(self, request: Request) -> Response:
        _session_only(request)
        data = s.ReauthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id = caller_id(request)
        meta = request_meta(request._request)
        if not _check_password(request, data.validated_data["password"]):
            services.security_event_record(
                kind=SecurityEventKind.REAUTH_FAILED,
                actor_id=user_id,
                subject_id=user_id,
                gym_id=_gym_id(request),
                meta=meta,
            )
            raise ValidationError({"password": ["Incorrect password."]})
        verified_code = False
        if mfa.is_enrolled(user_id=user_id):
            code = data.validated_data.get("code", "")
            if not code:
                raise ValidationError({"code": ["Enter a code from your authenticator app."]})
            if mfa.mfa_verify(user_id=user_id, code=code, gym_id=_gym_id(request), meta=meta) is None:
                raise ValidationError({"code": [mfa.INVALID_CODE]})
            verified_code = True
        session = request._request.session
        session_state.mark_reauthenticated(session)
        if verified_code:
            session_state.mark_mfa_verified(session)
        services.security_event_record(
            kind=SecurityEventKind.REAUTHENTICATED,
            actor_id=user_id,
            subject_id=user_id,
            gym_id=_gym_id(request),
            meta=meta,
        )
        until = timezone.now() + settings.REAUTH_WINDOW
        return Response(s.ReauthResultSerializer({"reauthenticated_until": until}).data)


class PasswordChangeView(APIView):
    """Change your password: the current one, then a new one (12+ characters, not common).
    Every other session and all your API tokens end; this session stays signed in."""

    permission_classes = [IsActiveGymMember]

    @extend_schema(request=s.PasswordChangeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        _session_only(request)
        data = s.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not _check_password(request, data.validated_data["current_password"]):
            raise ValidationError({"current_password": ["Incorrect password."]})
        mfa_was_verified = users_facade.mfa_verified(request)
        services.user_password_change(
            user_id=caller_id(request),
            new_password=data.validated_data["new_password"],
            gym_id=_gym_id(request),
            meta=request_meta(request._request),
        )
        _keep_this_session(request, mfa_verified=mfa_was_verified)
        return Response(status=status.HTTP_204_NO_CONTENT)
