"""Two appends at the same moment: the second waits for the first's chain lock and links to it.

Without the lock the second would read the same chain head (the first's entry is not yet
committed), take the same sequence number and fail on the unique index. The entries are
committed in their own connections (threads), so the test removes them afterwards the only way
possible, with the append-only triggers disabled."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django_tenants.utils import schema_context

from apps.medical.audit import api
from apps.medical.audit.models import AuditEntry
from apps.medical.audit.verify import chain_verify

pytestmark = pytest.mark.django_db


def _append(gym: Any, object_id: str) -> api.EntryInfo:
    return api.access_record(
        actor_id=gym.people["clinician"].id,
        subject_id=gym.people["member"].id,
        object_type="medical.condition",
        object_id=object_id,
        action="view",
        purpose="treatment",
    )


def _lock_waiters() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return int(cursor.fetchone()[0])


def in_own_connection(django_db_blocker: Any, func: Any) -> Any:
    """Run ``func`` in a thread, on its own autocommit connection. The test's own connection
    never touches the audit table, so it holds no lock the cleanup would wait for."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with django_db_blocker.unblock():
                result["value"] = func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result["value"]


@pytest.fixture
def committed_cleanup(world, django_db_blocker):
    """Afterwards, remove what the threads committed."""
    yield

    def remove() -> int:
        with schema_context(world.b.schema_name), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE medical_audit_auditentry DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM medical_audit_auditentry")
            cursor.execute("ALTER TABLE medical_audit_auditentry ENABLE TRIGGER USER")
            cursor.execute("SELECT count(*) FROM medical_audit_auditentry")
            return int(cursor.fetchone()[0])

    assert in_own_connection(django_db_blocker, remove) == 0


def test_concurrent_appends_are_serialised(world, django_db_blocker, committed_cleanup):
    gym = world.b
    first_appended = threading.Event()
    release_first = threading.Event()
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with django_db_blocker.unblock(), schema_context(gym.schema_name), transaction.atomic():
                results["first"] = _append(gym, "first")
                first_appended.set()
                release_first.wait(timeout=10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            first_appended.set()
            connections.close_all()

    def second() -> None:
        try:
            with django_db_blocker.unblock(), schema_context(gym.schema_name):
                results["second"] = _append(gym, "second")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    t1 = threading.Thread(target=first)
    t1.start()
    assert first_appended.wait(timeout=10)
    t2 = threading.Thread(target=second)
    t2.start()
    for _ in range(200):  # bounded: until the second waits on the chain lock (or 10 s)
        if _lock_waiters() or not t2.is_alive():
            break
        threading.Event().wait(0.05)
    waited = _lock_waiters()
    release_first.set()
    t1.join(timeout=20)
    t2.join(timeout=20)
    assert errors == []
    assert waited == 1
    assert (results["first"].seq, results["second"].seq) == (1, 2)

    def check() -> tuple[int, str, bool]:
        with schema_context(gym.schema_name):
            second_row = AuditEntry.objects.get(seq=2)
            return (
                AuditEntry.objects.count(),
                second_row.prev_hash,
                chain_verify(schema_name=gym.schema_name).ok,
            )

    assert in_own_connection(django_db_blocker, check) == (2, results["first"].hash, True)


def test_the_committed_entries_were_removed(world):
    with schema_context(world.b.schema_name):
        assert AuditEntry.objects.filter(object_id__in=["first", "second"]).count() == 0
