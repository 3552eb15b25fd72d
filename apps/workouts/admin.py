"""The gym's training admin: its catalogue, tag corrections and overrides.

Workouts tables live in each gym's schema, so this admin is served on the gym's own host
(``/manage/training/``) to the gym's owners and admins, not on the platform's staff admin.
A tag field changed here is recorded in ``tags_edited`` and survives re-seeding.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from apps.workouts.models import Exercise, ExerciseOverride, GymTrainingSetup, Program
from apps.workouts.services.catalogue import refresh_search_vectors
from apps.workouts.tags import TAG_FIELDS

MANAGER_ROLES = frozenset({"owner", "admin"})


def _is_gym_manager(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return bool(
        request.user.is_authenticated and membership is not None and str(membership.role) in MANAGER_ROLES
    )


def _tag_value(value: Any) -> Any:
    """Tag lists compare as sets: a re-ordered list is not a correction."""
    return sorted(value) if isinstance(value, list) else value


class GymTrainingAdminSite(admin.AdminSite):
    site_header = "Training catalogue"
    site_title = "Training catalogue"
    index_title = "Exercises, tags and programs"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_gym_manager(request)


site = GymTrainingAdminSite(name="workouts_admin")


class ManagerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Owners and admins of the gym may do everything the admin offers for these models."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_gym_manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_gym_manager(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)


class OverrideInline(admin.StackedInline):  # type: ignore[type-arg]
    model = ExerciseOverride
    extra = 0
    fields = ["hidden", "name"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_gym_manager(request)


class ExerciseAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Exercise
        fields = [
            "slug",
            "name",
            "category",
            "level",
            "mechanic",
            "force",
            "equipment",
            "primary_muscles",
            "secondary_muscles",
            "instructions",
            *TAG_FIELDS,
        ]


class ExerciseAdmin(ManagerAdmin):
    form = ExerciseAdminForm
    list_display = ["name", "source", "category", "equipment", "level", "variation_group", "impact"]
    list_filter = ["source", "category", "equipment", "level", "impact"]
    search_fields = ["name", "slug", "variation_group"]
    readonly_fields = ["source", "tags_edited"]
    inlines = [OverrideInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Catalogue facts come from the data; only tags (and overrides) are the gym's to change.
        fixed = ["slug", "name", "category", "level", "mechanic", "force", "equipment"]
        if obj is not None and obj.source == "catalogue":
            return [*self.readonly_fields, *fixed, "primary_muscles", "secondary_muscles", "instructions"]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            before = type(obj).objects.get(pk=obj.pk)
            changed = {f for f in TAG_FIELDS if _tag_value(getattr(obj, f)) != _tag_value(getattr(before, f))}
            obj.tags_edited = sorted(set(obj.tags_edited) | changed)
        if not change:
            obj.source = "gym"
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh_search_vectors(exercise_ids=[form.instance.pk])


class GymTrainingSetupAdmin(ManagerAdmin):
    list_display = ["unit", "available_equipment", "updated_at"]


class ProgramAdmin(ManagerAdmin):
    list_display = ["name", "is_template", "status", "source", "member_id", "created_at"]
    list_filter = ["is_template", "status", "source"]
    search_fields = ["name"]


site.register(Exercise, ExerciseAdmin)
site.register(GymTrainingSetup, GymTrainingSetupAdmin)
site.register(Program, ProgramAdmin)
