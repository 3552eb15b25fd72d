"""``migrate_schemas --executor=parallel [--parallel N]``: every gym schema migrated in its own
``manage.py`` process, N at a time, with a progress line per schema.

django-tenants' ``subprocess`` executor runs in parallel but prints no progress; its
``multiprocessing`` executor prints each schema's position in the queue, not how many are done,
and interleaves the output of all workers. This one reports
``[done/total pct%] schema ok in 1.2s, eta 40s`` as each schema finishes, keeps a failing
schema's own output together, and stops starting new schemas at the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any

from django.conf import settings
from django.db import connections
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.migration_executors.subproc import _manage_py, _options_to_argv

from apps.common.db import database_url


class ParallelProgressExecutor(MigrationExecutor):  # type: ignore[misc]
    codename = "parallel"

    def run_migrations(self, tenants: list[str] | None = None) -> None:
        pending = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in pending:
            run_migrations(self.args, self.options, self.codename, self.PUBLIC_SCHEMA_NAME)
            pending.remove(self.PUBLIC_SCHEMA_NAME)
        if not pending:
            return
        alias = self.options.get("database") or self.TENANT_DB_ALIAS
        env = {**os.environ, "DATABASE_URL": database_url(alias)}
        connections[alias].close()
        parallel = max(1, int(self.options.get("parallel") or settings.TENANT_SUBPROCESS_PARALLEL))
        argv = [sys.executable, _manage_py(), "migrate_schemas", "--executor=standard"]
        argv += list(self.args) + _options_to_argv(self.options)
        total, done, started = len(pending), 0, time.monotonic()
        self._say(f"Migrating {total} gym schemas, {parallel} at a time")

        def migrate(schema: str) -> tuple[str, int, float, str]:
            t0 = time.monotonic()
            proc = subprocess.run(  # noqa: S603 - our own manage.py, argv built above
                [*argv, "--schema", schema], env=env, capture_output=True, text=True, check=False
            )
            return schema, proc.returncode, time.monotonic() - t0, proc.stdout + proc.stderr

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures: list[Future[tuple[str, int, float, str]]] = [pool.submit(migrate, s) for s in pending]
            for future in as_completed(futures):
                schema, code, seconds, output = future.result()
                done += 1
                elapsed = time.monotonic() - started
                eta = elapsed / done * (total - done)
                state = "ok" if code == 0 else f"FAILED (exit {code})"
                progress = f"[{done}/{total} {100 * done // total}%]"
                self._say(f"{progress} {schema} {state} in {seconds:.1f}s, eta {eta:.0f}s")
                if code != 0:
                    self._say(output)
                    for other in futures:
                        other.cancel()
                    raise SystemExit(code)
        self._say(f"Migrated {total} gym schemas in {time.monotonic() - started:.1f}s")

    def _say(self, line: str) -> None:
        out: Any = self.options.get("stdout") or sys.stdout
        out.write(line + "\n")
        out.flush()
