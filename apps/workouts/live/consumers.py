"""Follow one member's training: every set they log, every session they finish.

Access is checked at the handshake and again while the socket is open: before an event is
delivered, the viewer's session must still be valid in the gym's schema (signed in, MFA and the
idle and absolute limits of ADR 0014) and ``may_view_member`` must still allow them (a coach
unassigned loses the feed). The verdict is kept for ``RECHECK_SECONDS`` so a busy feed costs one
check per interval, not one per set. A failed re-check closes the socket with
``CLOSE_SESSION_ENDED`` or ``CLOSE_FORBIDDEN``.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http.cookie import parse_cookie

from apps.organizations.facade.contracts import GymRoute
from apps.workouts.live.access import may_view_member
from apps.workouts.live.broadcast import member_group
from apps.workouts.live.middleware import Viewer, viewer_for_session

CLOSE_FORBIDDEN = 4403
CLOSE_SESSION_ENDED = 4401
RECHECK_SECONDS = 30.0


def _session_key(scope: dict[str, Any]) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"cookie":
            return parse_cookie(bytes(value).decode("latin-1")).get(settings.SESSION_COOKIE_NAME, "")
    return ""


def access_now(*, route: GymRoute, session_key: str, viewer: Viewer, member_id: UUID) -> int | None:
    """None while the viewer may still follow the member, else the close code to use."""
    current = viewer_for_session(route, session_key)
    if current is None or current.user_id != viewer.user_id:
        return CLOSE_SESSION_ENDED
    allowed = may_view_member(
        gym_id=route.id, viewer_id=current.user_id, viewer_role=current.role, member_id=member_id
    )
    return None if allowed else CLOSE_FORBIDDEN


class MemberTrainingConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """``/ws/workouts/members/<member_id>/``: read-only; messages are JSON objects with a
    ``type`` (``set_logged``, ``session_finished``, ...) and their data."""

    group: str | None = None
    checked_at: float = 0.0

    async def connect(self) -> None:
        route, viewer = self.scope["gym"], self.scope["viewer"]
        member_id: UUID = self.scope["url_route"]["kwargs"]["member_id"]
        allowed = await database_sync_to_async(may_view_member)(
            gym_id=route.id, viewer_id=viewer.user_id, viewer_role=viewer.role, member_id=member_id
        )
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.checked_at = time.monotonic()
        self.group = member_group(schema_name=route.schema_name, member_id=member_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The socket is read-only: writes go through the API (idempotent, validated)."""

    async def _still_allowed(self) -> bool:
        if self.group is None:
            return False
        if time.monotonic() - self.checked_at < RECHECK_SECONDS:
            return True
        refused = await database_sync_to_async(access_now)(
            route=self.scope["gym"],
            session_key=_session_key(self.scope),
            viewer=self.scope["viewer"],
            member_id=self.scope["url_route"]["kwargs"]["member_id"],
        )
        if refused is not None:
            await self._leave()
            await self.close(code=refused)
            return False
        self.checked_at = time.monotonic()
        return True

    async def training_event(self, message: dict[str, Any]) -> None:
        if await self._still_allowed():
            await self.send_json(message["event"])
