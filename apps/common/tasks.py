"""Celery entrypoints of the event bus: thin, idempotent, retry-safe."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from apps.common.services import DeliveryOutcome, RetryLater, event_deliver, outbox_purge, outbox_relay


@shared_task(name="common.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    return outbox_relay()


@shared_task(name="common.deliver_event", bind=True, acks_late=True, max_retries=None)
def deliver_event(self: Task[Any, Any], envelope: dict[str, Any], handler: str) -> str:
    try:
        outcome: DeliveryOutcome = event_deliver(
            envelope=envelope, handler=handler, attempt=self.request.retries + 1
        )
    except RetryLater as later:
        raise self.retry(countdown=later.countdown, exc=RuntimeError(later.error)) from None
    return outcome.value


@shared_task(name="common.purge_outbox", ignore_result=True)
def purge_outbox() -> tuple[int, int]:
    return outbox_purge()
