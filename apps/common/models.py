"""The integration-event outbox (public schema), its idempotency ledger and dead letters."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """An integration event written in the same transaction as the change it announces."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DISPATCHED = "dispatched"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    schema_name = models.CharField(max_length=63, help_text="The gym's schema, or public.")
    request_id = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    relay_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="common_outbox_pending_idx",
            )
        ]
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class ProcessedEvent(models.Model):
    """One row per (event, handler) that ran to completion: the consumers' idempotency key."""

    event_id = models.UUIDField()
    handler = models.CharField(max_length=200)
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_id", "handler"], name="common_processed_unique")
        ]

    def __str__(self) -> str:
        return f"{self.handler} <- {self.event_id}"


class DeadLetter(models.Model):
    """A delivery that failed every attempt; staff inspect and replay it in the admin."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(db_index=True)
    event_type = models.CharField(max_length=100)
    handler = models.CharField(max_length=200)
    schema_name = models.CharField(max_length=63)
    payload = models.JSONField()
    attempts = models.PositiveIntegerField()
    error = models.TextField()
    failed_at = models.DateTimeField(default=timezone.now)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "handler"],
                condition=models.Q(replayed_at__isnull=True),
                name="common_deadletter_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.handler}"
