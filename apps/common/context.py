"""Per-request (or per-task) context: the request id and the gym, for logs and events."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
gym_var: ContextVar[str] = ContextVar("gym", default="-")
