"""A Redis cache backend whose instances share one client (one connection pool) per process.

``django.core.cache.caches`` keeps backend instances per context (asgiref ``Local``), and under
ASGI every request runs in a new context: with Django's ``RedisCache`` each request built a new
client and opened a new TCP connection to Redis for its first cache call (the route lookup),
which made a cached route cost more than the query it saves (docs/performance.md). redis-py's
connection pool is thread-safe, so one client per server set and options serves the process.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

_clients: dict[tuple[tuple[str, ...], str], Any] = {}
_lock = threading.Lock()


class SharedClientRedisCache(RedisCache):
    @cached_property
    def _cache(self) -> Any:
        servers: list[str] = self._servers  # type: ignore[attr-defined]
        options: dict[str, Any] = self._options  # type: ignore[attr-defined]
        key = (tuple(servers), repr(sorted(options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(servers, **options)  # type: ignore[attr-defined]
        return client


def incr_window(cache: RedisCache, key: str, *, timeout: int) -> int:
    """Create ``key`` at 0 with ``timeout`` if absent, add one, return the count: one round trip
    (``SET NX EX`` and ``INCR`` in a pipeline) on any of Django's Redis caches."""
    full_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline()
    pipe.set(full_key, 0, ex=timeout, nx=True)
    pipe.incr(full_key)
    _, count = pipe.execute()
    return int(count)
