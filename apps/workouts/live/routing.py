"""WebSocket routes of a gym's host (mounted by config/asgi.py)."""

from __future__ import annotations

from channels.routing import URLRouter
from django.urls import path

from apps.workouts.live.consumers import MemberTrainingConsumer
from apps.workouts.live.middleware import GymSessionMiddleware

websocket_urlpatterns = [
    path("ws/workouts/members/<uuid:member_id>/", MemberTrainingConsumer.as_asgi()),
]

application = GymSessionMiddleware(URLRouter(websocket_urlpatterns))
