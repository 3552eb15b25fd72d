"""Outbox relay and event delivery. Celery entrypoints live in ``tasks.py``."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from enum import StrEnum
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.common.context import request_id_var
from apps.common.events import event_from_payload, handler_by_name, subscribers_for
from apps.common.models import DeadLetter, OutboxEvent, ProcessedEvent
from apps.common.tenancy import current_schema

logger = logging.getLogger(__name__)

DELIVER_TASK = "common.deliver_event"


class DeliveryOutcome(StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"
    DEAD = "dead"


class RetryLater(Exception):  # noqa: N818 - a control-flow signal, not an error
    # Not a frozen dataclass: a ``@contextmanager`` around the call assigns ``__traceback__``
    # to the exception passing through it, which a frozen dataclass refuses.
    def __init__(self, *, countdown: float, error: str) -> None:
        super().__init__(f"retry in {countdown}s: {error}")
        self.countdown = countdown
        self.error = error


class WrongSchemaError(RuntimeError):
    """A delivery reached the worker in a schema other than its envelope's."""


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff: base, 2*base, 4*base ... capped."""
    return float(
        min(
            settings.EVENTS_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0)), settings.EVENTS_RETRY_MAX_SECONDS
        )
    )


def envelope_for(row: OutboxEvent | DeadLetter, *, event_id: uuid.UUID) -> dict[str, Any]:
    return {
        "event_id": str(event_id),
        "event_type": row.event_type,
        "schema_name": row.schema_name,
        "payload": row.payload,
        "request_id": getattr(row, "request_id", ""),
    }


def _send(envelope: dict[str, Any], handler: str) -> None:
    # The schema rides in the message header too (tenant-schemas-celery), so the worker
    # switches to the gym before the task body runs.
    with schema_context(envelope["schema_name"]):
        current_app.send_task(
            DELIVER_TASK,
            args=[envelope, handler],
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
            ignore_result=True,
        )


def outbox_relay(*, batch_size: int | None = None) -> int:
    """Hand pending outbox rows to the broker; returns how many rows were dispatched.

    Rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` so several relays never send the
    same row at once. A broker failure leaves the row pending with a later ``next_attempt_at``.
    """
    batch_size = batch_size or settings.EVENTS_RELAY_BATCH
    dispatched = 0
    with schema_context("public"), transaction.atomic():
        now = timezone.now()
        rows = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
            .order_by("occurred_at")[:batch_size]
        )
        for row in rows:
            envelope = envelope_for(row, event_id=row.id)
            try:
                for handler in subscribers_for(row.event_type):
                    _send(envelope, handler)
            except Exception as exc:  # kombu.OperationalError and friends: broker unreachable
                row.relay_attempts += 1
                row.next_attempt_at = now + timedelta(seconds=backoff_seconds(row.relay_attempts))
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.save(update_fields=["relay_attempts", "next_attempt_at", "last_error"])
                logger.warning("outbox relay could not reach the broker", extra={"event_id": str(row.id)})
                break
            row.status = OutboxEvent.Status.DISPATCHED
            row.dispatched_at = now
            row.save(update_fields=["status", "dispatched_at"])
            dispatched += 1
    return dispatched


def _claim(event_id: uuid.UUID, handler: str) -> bool:
    """Record (event, handler) as processed; False when it already was (a duplicate)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.common_processedevent (event_id, handler, processed_at) "
            "VALUES (%s, %s, %s) ON CONFLICT (event_id, handler) DO NOTHING RETURNING 1",
            [event_id, handler, timezone.now()],
        )
        return cursor.fetchone() is not None


def event_deliver(*, envelope: dict[str, Any], handler: str, attempt: int) -> DeliveryOutcome:
    """Run one subscriber for one event, exactly once on success.

    The idempotency claim and the handler's writes share one transaction: a handler that fails
    leaves no claim, so the retry runs it again; a duplicate delivery finds the claim and does
    nothing. Raises ``RetryLater`` while attempts remain; dead-letters after the last one.
    Raises ``WrongSchemaError`` (after dead-lettering) when the connection is not in the
    envelope's schema.
    """
    event_id = uuid.UUID(envelope["event_id"])
    schema = envelope["schema_name"]
    if current_schema() != schema:
        # Never run a handler in another gym's schema; park the delivery rather than drop it.
        error = f"refused: delivery for schema {schema!r} ran in {current_schema()!r}"
        _dead_letter(envelope, handler, attempt, error)
        raise WrongSchemaError(error)
    token = request_id_var.set(envelope.get("request_id") or f"event-{event_id}")
    try:
        event = event_from_payload(envelope["event_type"], envelope["payload"])
        func = handler_by_name(envelope["event_type"], handler)
    except (LookupError, ValueError, TypeError) as exc:
        _dead_letter(envelope, handler, attempt, f"undeliverable: {exc}")
        request_id_var.reset(token)
        return DeliveryOutcome.DEAD
    try:
        with transaction.atomic():
            if not _claim(event_id, handler):
                return DeliveryOutcome.DUPLICATE
            func(event)
        return DeliveryOutcome.DONE
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if attempt >= settings.EVENTS_MAX_ATTEMPTS:
            _dead_letter(envelope, handler, attempt, error)
            return DeliveryOutcome.DEAD
        logger.warning("event handler failed; retrying", extra={"handler": handler, "attempt": attempt})
        raise RetryLater(countdown=backoff_seconds(attempt), error=error) from exc
    finally:
        request_id_var.reset(token)


def _dead_letter(envelope: dict[str, Any], handler: str, attempts: int, error: str) -> None:
    logger.error("event dead-lettered", extra={"handler": handler, "event_type": envelope["event_type"]})
    with schema_context("public"):
        DeadLetter.objects.get_or_create(
            event_id=uuid.UUID(envelope["event_id"]),
            handler=handler,
            replayed_at=None,
            defaults={
                "event_type": envelope["event_type"],
                "schema_name": envelope["schema_name"],
                "payload": envelope["payload"],
                "attempts": attempts,
                "error": error[:10000],
            },
        )


def dead_letter_replay(*, dead_letter_id: int) -> DeadLetter:
    """Send a dead-lettered delivery again (after a fix) and mark the letter replayed.

    The letter is closed before the delivery is sent, so if the replay fails again its new
    dead letter is not swallowed by this one still being open. A send that fails reopens it.
    """
    with schema_context("public"):
        with transaction.atomic():
            letter = DeadLetter.objects.select_for_update().get(pk=dead_letter_id)
            if letter.replayed_at is not None:
                raise ValueError("This dead letter was already replayed.")
            letter.replayed_at = timezone.now()
            letter.save(update_fields=["replayed_at"])
        try:
            _send(envelope_for(letter, event_id=letter.event_id), letter.handler)
        except Exception:
            DeadLetter.objects.filter(pk=letter.pk).update(replayed_at=None)
            raise
    return letter


def outbox_purge(*, older_than: timedelta | None = None) -> tuple[int, int]:
    """Delete dispatched outbox rows and idempotency claims older than ``older_than`` (default
    ``EVENTS_RETENTION_DAYS``). Pending rows and dead letters are never purged. A redelivery
    older than the retention (beyond any retry or visibility timeout) would run its handler
    again, so the retention must stay far above ``CELERY_VISIBILITY_TIMEOUT``."""
    cutoff = timezone.now() - (older_than or timedelta(days=settings.EVENTS_RETENTION_DAYS))
    with schema_context("public"):
        outbox, _ = OutboxEvent.objects.filter(
            status=OutboxEvent.Status.DISPATCHED, dispatched_at__lt=cutoff
        ).delete()
        claims, _ = ProcessedEvent.objects.filter(processed_at__lt=cutoff).delete()
    return outbox, claims
