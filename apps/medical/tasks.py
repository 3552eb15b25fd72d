"""Celery entrypoints of the medical context (thin, idempotent)."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_tenant_model, tenant_context

from apps.medical import services

logger = logging.getLogger(__name__)


@shared_task(name="medical.remind_expiring_screenings", ignore_result=True)
def remind_expiring_screenings(within_days: int = 30) -> int:
    """For every active gym, announce screenings that lapse within ``within_days``
    (``ScreeningExpiring``, once per screening). Returns how many were announced."""
    total = 0
    for gym in get_tenant_model().objects.filter(status="active").order_by("pk"):
        with tenant_context(gym):
            total += services.screenings_remind_expiring(within_days=within_days)
    logger.info("screening reminders sent: %d", total)
    return total
