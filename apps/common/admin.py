from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.common.models import DeadLetter, OutboxEvent
from apps.common.services import dead_letter_replay


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "schema_name", "status", "occurred_at", "relay_attempts", "dispatched_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["id", "event_type", "schema_name"]


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "handler", "schema_name", "attempts", "failed_at", "replayed_at"]
    list_filter = ["event_type", "handler", ("replayed_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id", "handler"]
    actions = ["replay"]

    @admin.action(description="Replay the selected deliveries")
    def replay(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        replayed, skipped = 0, 0
        for letter in queryset:
            try:
                dead_letter_replay(dead_letter_id=letter.pk)
                replayed += 1
            except ValueError:
                skipped += 1
        self.message_user(request, f"Replayed {replayed}; skipped {skipped} already replayed.", messages.INFO)
