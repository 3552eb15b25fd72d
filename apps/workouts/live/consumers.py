"""Follow one member's training: every set they log, every session they finish."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.workouts.live.access import may_view_member
from apps.workouts.live.broadcast import member_group

CLOSE_FORBIDDEN = 4403


class MemberTrainingConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """``/ws/workouts/members/<member_id>/``: read-only; messages are JSON objects with a
    ``type`` (``set_logged``, ``session_finished``, ...) and their data."""

    group: str | None = None

    async def connect(self) -> None:
        route, viewer = self.scope["gym"], self.scope["viewer"]
        member_id: UUID = self.scope["url_route"]["kwargs"]["member_id"]
        allowed = await database_sync_to_async(may_view_member)(
            gym_id=route.id, viewer_id=viewer.user_id, viewer_role=viewer.role, member_id=member_id
        )
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = member_group(schema_name=route.schema_name, member_id=member_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The socket is read-only: writes go through the API (idempotent, validated)."""

    async def training_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
