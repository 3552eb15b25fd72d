"""Outbox retention: old dispatched rows and claims go, pending rows and dead letters stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.common.models import DeadLetter, OutboxEvent, ProcessedEvent
from apps.common.services import outbox_purge

pytestmark = pytest.mark.django_db


def outbox_row(*, status: str, dispatched_days_ago: int | None) -> OutboxEvent:
    dispatched = None if dispatched_days_ago is None else timezone.now() - timedelta(days=dispatched_days_ago)
    return OutboxEvent.objects.create(
        event_type="tests.Anything", payload={}, schema_name="public", status=status, dispatched_at=dispatched
    )


def test_purge_keeps_what_is_recent_pending_or_dead(settings):
    settings.EVENTS_RETENTION_DAYS = 14
    old = outbox_row(status="dispatched", dispatched_days_ago=15)
    recent = outbox_row(status="dispatched", dispatched_days_ago=13)
    pending = outbox_row(status="pending", dispatched_days_ago=None)
    OutboxEvent.objects.filter(pk=pending.pk).update(occurred_at=timezone.now() - timedelta(days=90))
    old_claim = ProcessedEvent.objects.create(
        event_id=uuid.uuid4(), handler="h", processed_at=timezone.now() - timedelta(days=15)
    )
    new_claim = ProcessedEvent.objects.create(event_id=uuid.uuid4(), handler="h")
    letter = DeadLetter.objects.create(
        event_id=uuid.uuid4(),
        event_type="tests.Anything",
        handler="h",
        schema_name="public",
        payload={},
        attempts=3,
        error="boom",
        failed_at=timezone.now() - timedelta(days=400),
    )

    assert outbox_purge() == (1, 1)

    remaining = set(OutboxEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {recent.pk, pending.pk} <= remaining
    assert not ProcessedEvent.objects.filter(pk=old_claim.pk).exists()
    assert ProcessedEvent.objects.filter(pk=new_claim.pk).exists()
    assert DeadLetter.objects.filter(pk=letter.pk).exists()
