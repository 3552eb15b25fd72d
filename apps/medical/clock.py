"""The medical context's clock: one function tests can freeze without touching sessions."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
