"""ASGI entrypoint: HTTP through Django; WebSocket routes join here as contexts add them."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_asgi_app = get_asgi_application()

# -- workouts (live): WebSockets, after Django is set up; Origin must be an allowed host.
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.workouts.live.routing import application as workouts_websockets  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": AllowedHostsOriginValidator(workouts_websockets)}
)
