from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.common.api.serializers import StrictSerializer
from apps.organizations.facade.contracts import MembershipStatus, Role
from apps.organizations.models import HEX_COLOUR, ROLE_CHOICES, CoachingAssignment, Gym, Membership
from apps.organizations.routing import gym_url


class GymProfileSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """What every member sees of their gym."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Gym
        fields = ["id", "name", "subdomain", "url", "plan", "brand_colour"]
        read_only_fields = fields

    def get_url(self, gym: Gym) -> str:
        return gym_url(self.context["request"], gym.subdomain or "")


class GymManagerProfileSerializer(GymProfileSerializer):
    """Owners and admins also see the CORS allow-list."""

    class Meta(GymProfileSerializer.Meta):
        fields = [*GymProfileSerializer.Meta.fields, "cors_allowed_origins"]
        read_only_fields = fields


class GymProfileUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, min_length=1, required=False)
    brand_colour = serializers.CharField(max_length=7, validators=[HEX_COLOUR], required=False)
    cors_allowed_origins = serializers.ListField(
        child=serializers.URLField(max_length=200),
        max_length=20,
        required=False,
    )

    def validate_cors_allowed_origins(self, value: list[str]) -> list[str]:
        for origin in value:
            _scheme, _, rest = origin.partition("://")
            if "/" in rest.rstrip("/"):
                raise serializers.ValidationError(f"'{origin}' is not an origin (no paths).")
        return value


class MembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "email", "full_name", "role", "status", "joined_at"]
        read_only_fields = fields


class MembershipCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=ROLE_CHOICES, default=Role.MEMBER.value)
    full_name = serializers.CharField(max_length=150, required=False, default="")


class MembershipUpdateSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False)
    status = serializers.ChoiceField(
        choices=[(s.value, s.name.title()) for s in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)],
        required=False,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"non_field_errors": ["Send role and/or status."]})
        return attrs


class MyMembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    gym_name = serializers.CharField(source="gym.name", read_only=True)
    gym_subdomain = serializers.CharField(source="gym.subdomain", read_only=True)
    gym_url = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "gym_name", "gym_subdomain", "gym_url", "role", "status", "joined_at"]
        read_only_fields = fields

    def get_gym_url(self, m: Membership) -> str:
        return gym_url(self.context["request"], m.gym.subdomain or "")


class SignUpSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    subdomain = serializers.CharField(max_length=63)
    owner_email = serializers.EmailField(max_length=254)
    owner_password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    owner_full_name = serializers.CharField(max_length=150, required=False, default="")


class SignUpResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    subdomain = serializers.CharField()
    url = serializers.URLField()
    login_url = serializers.URLField()


class CoachingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    trainer_email = serializers.EmailField(source="trainer.email", read_only=True)
    trainer_name = serializers.CharField(source="trainer.full_name", read_only=True)
    client_email = serializers.EmailField(source="client.email", read_only=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = CoachingAssignment
        fields = [
            "id", "trainer_id", "trainer_email", "trainer_name",
            "client_id", "client_email", "client_name", "assigned_at",
        ]  # fmt: skip
        read_only_fields = fields


class CoachingCreateSerializer(StrictSerializer):
    trainer_id = serializers.UUIDField()
    client_id = serializers.UUIDField()


class HipaaModeSerializer(StrictSerializer):
    enabled = serializers.BooleanField()
    accept_baa = serializers.BooleanField(default=False)


class HipaaModeResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    hipaa_mode = serializers.BooleanField()
    baa_accepted_at = serializers.DateTimeField(allow_null=True)
