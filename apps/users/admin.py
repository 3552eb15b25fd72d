from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from apps.common.admin import ReadOnlyAdmin
from apps.users.facade.api import request_meta
from apps.users.models import ApiToken, SecurityEvent, TotpDevice, User
from apps.users.services import user_sessions_end


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]  # email-based user, not AbstractUser
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        (
            "Platform access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups", "user_permissions")
    list_filter = ["is_active", "is_staff"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:  # SECURITY.md 18: deactivation ends every session and token at once
            user_sessions_end(
                user_id=obj.pk, reason="deactivated", actor_id=request.user.pk, meta=request_meta(request)
            )


@admin.register(TotpDevice)
class TotpDeviceAdmin(ReadOnlyAdmin):
    """Staff may remove a person's authenticator (lost phone and recovery codes); the secret is
    never shown. Removing it ends the person's sessions and tokens."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__email"]
    exclude = ["key"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def delete_model(self, request: HttpRequest, obj: TotpDevice) -> None:
        user_id = obj.user_id
        super().delete_model(request, obj)
        user_sessions_end(
            user_id=user_id, reason="mfa_changed", actor_id=request.user.pk, meta=request_meta(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        for user_id in user_ids:
            user_sessions_end(
                user_id=user_id, reason="mfa_changed", actor_id=request.user.pk, meta=request_meta(request)
            )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "user", "gym_id", "created_at", "expires_at", "revoked_at"]
    search_fields = ["prefix", "user__email"]
    exclude = ["secret_hash"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["kind", "occurred_at", "username", "actor_id", "gym_id", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "request_id"]
