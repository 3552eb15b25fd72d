"""Send a member's training events to everyone following them, after the write commits."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "training.event"  # handled by MemberTrainingConsumer.training_event


def member_group(*, schema_name: str, member_id: UUID) -> str:
    """The channel-layer group of one member of one gym (names: ASCII, under 100 characters)."""
    return f"workouts.{schema_name}.{member_id.hex}"


def send_now(*, schema_name: str, member_id: UUID, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` to the member's followers. A channel layer that is down loses the live
    update only (pages catch up on reload); the write it announces is already committed."""
    layer = get_channel_layer()
    if layer is None:
        return
    group = member_group(schema_name=schema_name, member_id=member_id)
    try:
        async_to_sync(layer.group_send)(group, {"type": MESSAGE_TYPE, "event": payload})
    except (RedisError, OSError):
        logger.warning("live update not sent: channel layer unreachable")


def send_after_commit(*, schema_name: str, member_id: UUID, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` once the current transaction commits (never for a rolled-back write)."""
    transaction.on_commit(lambda: send_now(schema_name=schema_name, member_id=member_id, payload=payload))
