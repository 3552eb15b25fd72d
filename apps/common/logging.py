"""Logging helpers: every record carries the request id and the gym's schema."""

from __future__ import annotations

import logging

from apps.common.context import gym_var, request_id_var


class ContextFilter(logging.Filter):
    """Stamp ``request_id`` and ``gym`` on each record from the current context."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.gym = gym_var.get()
        return True
