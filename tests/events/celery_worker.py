"""A real Celery worker in a subprocess, bound to a test's own broker and the test database,
and a way to point this process's producer at that broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import redis
from celery import Celery
from django.conf import settings
from kombu import pools

from apps.common.db import database_url
from tests.events.processes import terminate

T = TypeVar("T")

FIXTURE_EVENTS_MODULE = "tests.events.fixtures_events"
DEADLINE_SECONDS = 30.0


def wait_for(probe: Callable[[], T | None], *, what: str, timeout: float = DEADLINE_SECONDS) -> T:
    """Poll ``probe`` until it returns something other than None/False, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def _use_broker(app: Celery, url: str) -> None:
    # kombu keeps its pools in a process-wide registry keyed by connection: closing one pool
    # would leave a closed pool there for the next user of that URL, so reset the registry.
    pools.reset()
    app.conf.update(broker_url=url)
    app._pool = None  # type: ignore[attr-defined]
    amqp: Any = app.amqp  # celery-types does not describe the producer-pool cache
    amqp._producer_pool = None


@contextmanager
def producer_broker(app: Celery, url: str) -> Iterator[None]:
    """Send this process's tasks to ``url`` until exit, then restore the configured broker."""
    previous = app.conf.broker_url
    _use_broker(app, url)
    try:
        yield
    finally:
        _use_broker(app, previous)


class CeleryWorker:
    """``celery -A config worker -P solo`` on the given broker, reading the test database."""

    def __init__(self, *, broker_url: str, result_url: str, log_path: Path, queue: str = "celery") -> None:
        self.broker_url = broker_url
        self.result_url = result_url
        self.log_path = log_path
        self.queue = queue
        self.name = f"events-{uuid.uuid4().hex[:8]}@localhost"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, *, timeout: float = DEADLINE_SECONDS) -> None:
        base_dir = Path(settings.BASE_DIR)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),  # the test_ database of this process
            "REDIS_URL": self.broker_url.rsplit("/", 1)[0],
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.result_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(base_dir), os.environ.get("PYTHONPATH")])),
            "SKIP_CHECKS": "1",
        }
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A", "config",
            "worker",
            "-P", "solo",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-Q", self.queue,
            "-n", self.name,
            "-l", "INFO",
            "--include", FIXTURE_EVENTS_MODULE,
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=base_dir, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        process = self.process

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.log_tail()}")
            return " ready." in self.log_path.read_text(errors="replace")

        try:
            wait_for(ready, what="the Celery worker to be ready", timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        terminate(process, grace=15)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def task_outcome(result_url: str, task_id: str, *, timeout: float = DEADLINE_SECONDS) -> tuple[str, Any]:
    """(state, return value or error) a worker stored for ``task_id`` once it finished."""
    client = redis.Redis.from_url(result_url)

    def finished() -> dict[str, Any] | None:
        raw = client.get(f"celery-task-meta-{task_id}")
        if raw is None:
            return None
        meta: dict[str, Any] = json.loads(raw)
        return meta if meta["status"] in ("SUCCESS", "FAILURE") else None

    meta = wait_for(finished, what=f"task {task_id} to finish", timeout=timeout)
    return meta["status"], meta["result"]
