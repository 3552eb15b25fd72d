from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from apps.common.api.serializers import StrictSerializer
from apps.users.models import ApiToken, User


class MeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined"]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "mfa_verified",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=settings.API_TOKEN_MAX_LIFETIME.days,
        default=settings.API_TOKEN_DEFAULT_LIFETIME.days,
    )


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


# --- MFA, re-authentication, password and email (ADR 0014)


class MeUpdateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254, help_text="Needs a recent re-authentication.")


class CodeSerializer(StrictSerializer):
    code = serializers.CharField(
        max_length=32, help_text="A 6-digit code from the authenticator app, or a recovery code."
    )


class ReauthSerializer(StrictSerializer):
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    code = serializers.CharField(
        max_length=32,
        required=False,
        help_text="Required once MFA is set up: a current code or a recovery code.",
    )


class PasswordChangeSerializer(StrictSerializer):
    current_password = serializers.CharField(max_length=128, style={"input_type": "password"})
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class MfaStatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    enrolled = serializers.BooleanField(help_text="A confirmed authenticator app is set up.")
    mfa_required = serializers.BooleanField(help_text="Your role in this gym requires MFA.")
    mfa_verified = serializers.BooleanField(help_text="This session (or token) has verified MFA.")
    recovery_codes_left = serializers.IntegerField()


class TotpProvisioningSerializer(serializers.Serializer):  # type: ignore[type-arg]
    secret = serializers.CharField(help_text="The shared secret (base32), for manual entry.")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URL as an inline SVG QR code.")


class RecoveryCodesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown once. Each works once."
    )


class MfaVerifiedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    method = serializers.ChoiceField(choices=["totp", "recovery_code"])
    recovery_codes_left = serializers.IntegerField()


class ReauthResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reauthenticated_until = serializers.DateTimeField()
