from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_tenants.admin import TenantAdminMixin

from apps.common.admin import ReadOnlyAdmin
from apps.organizations import routing
from apps.organizations.models import Domain, Gym, Membership


class DomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Domain
    extra = 0


@admin.register(Gym)
class GymAdmin(TenantAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "subdomain", "status", "plan", "schema_name", "created_at", "claimed_at"]
    list_filter = ["status", "plan"]
    search_fields = ["name", "subdomain", "schema_name"]
    readonly_fields = ["schema_name", "created_at", "claimed_at"]
    inlines = [DomainInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Domains edited inline: forget old and new hosts so routing changes at once.
        old_hosts = list(Domain.objects.filter(tenant=form.instance).values_list("domain", flat=True))
        super().save_related(request, form, formsets, change)
        routing.forget_hosts(old_hosts)
        routing.forget_gym(form.instance.pk)

    def save_model(self, request: HttpRequest, obj: Gym, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        routing.forget_gym(obj.pk)

    def delete_model(self, request: HttpRequest, obj: Gym) -> None:
        hosts = list(Domain.objects.filter(tenant=obj).values_list("domain", flat=True))
        super().delete_model(request, obj)
        routing.forget_hosts(hosts)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for gym in queryset:  # one by one, so each schema is dropped and each route forgotten
            self.delete_model(request, gym)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Read-only: role and status changes go through the members API, which enforces the
    rules (only owners grant owner, a gym keeps an owner) and records security events."""

    list_display = ["user", "gym", "role", "status", "joined_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__email", "gym__name", "gym__subdomain"]
