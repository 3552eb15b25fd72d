"""``rotate_encryption_keys`` re-encrypts every row of every gym under the current key."""

from __future__ import annotations

import base64
import io
import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.common.key_rotation import Progress, rotate_model
from apps.common.management.commands import rotate_encryption_keys as rotate_command
from apps.common.tests.crypto_app.models import Secret

pytestmark = pytest.mark.django_db

TEST1 = "test1:Z3ltc3RhY2stdGVzdC1vbmx5LWtleS0xLXh4eHh4eHg="
NEW = "new:" + base64.b64encode(b"n" * 32).decode()


def _key_ids(schema: str) -> list[str]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT note, data FROM crypto_test_secret ORDER BY id")
        return sorted({value.split(":")[0] for row in cursor.fetchall() for value in row if value})


def _rows(gym, n: int) -> list[Secret]:
    with schema_context(gym.schema_name):
        return [Secret.objects.create(note=f"note {i}", data={"i": i, "ok": False}) for i in range(n)]


def _table(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("model", "crypto_test.Secret", "total"))]


def test_rotation_reencrypts_every_gym_and_reports_counts(gym_a, gym_b):
    _rows(gym_a, 3)
    _rows(gym_b, 2)
    assert _key_ids(gym_a.schema_name) == ["test1"]
    out = io.StringIO()
    with override_settings(ENCRYPTION_KEYS=f"{NEW},{TEST1}", ENCRYPTION_CURRENT_KEY="new"):
        call_command("rotate_encryption_keys", "--batch-size=2", stdout=out)
        assert _key_ids(gym_a.schema_name) == ["new"]
        assert _key_ids(gym_b.schema_name) == ["new"]
        with schema_context(gym_b.schema_name):
            assert sorted(s.note for s in Secret.objects.all()) == ["note 0", "note 1"]
            assert sorted(s.data["i"] for s in Secret.objects.all()) == [0, 1]
        text = out.getvalue()
        assert "Re-encrypting under key 'new', 2 rows per batch." in text
        assert f"[{'#' * 30}] 100.0% 3/3 crypto_test.Secret in {gym_a.schema_name}" in text
        rows = _table(text)
        assert rows[0].split() == ["model", "re-encrypted", "already", "current", "failed"]
        assert rows[1].split() == ["crypto_test.Secret", "5", "0", "0"]
        assert rows[-1].split() == ["total", "5", "0", "0"]

        again = io.StringIO()
        call_command("rotate_encryption_keys", stdout=again)
        assert _table(again.getvalue())[1].split() == ["crypto_test.Secret", "0", "5", "0"]
    # Without the old key in the ring the old values are gone for good: the new key reads them.
    with override_settings(ENCRYPTION_KEYS=NEW, ENCRYPTION_CURRENT_KEY=""), schema_context(gym_a.schema_name):
        assert sorted(s.note for s in Secret.objects.all()) == ["note 0", "note 1", "note 2"]


def test_rows_that_cannot_be_decrypted_are_counted_and_left_alone(gym_a):
    good, bad = _rows(gym_a, 2)
    with schema_context(gym_a.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crypto_test_secret SET note = (SELECT note FROM crypto_test_secret WHERE id = %s) "
            "WHERE id = %s",
            [good.pk, bad.pk],
        )
        cursor.execute("SELECT note FROM crypto_test_secret WHERE id = %s", [bad.pk])
        (bad_before,) = cursor.fetchone()  # type: ignore[misc]
    out = io.StringIO()
    with (
        override_settings(ENCRYPTION_KEYS=f"{NEW},{TEST1}", ENCRYPTION_CURRENT_KEY="new"),
        pytest.raises(CommandError, match="1 rows could not be decrypted"),
    ):
        call_command("rotate_encryption_keys", stdout=out)
    assert _table(out.getvalue())[1].split() == ["crypto_test.Secret", "1", "0", "1"]
    with schema_context(gym_a.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT id, note FROM crypto_test_secret")
        notes = dict(cursor.fetchall())
    assert notes[bad.pk] == bad_before
    assert notes[good.pk].startswith("new:")


def test_an_interrupted_rotation_resumes_where_it_stopped(gym_a):
    _rows(gym_a, 5)

    class StopError(Exception):
        pass

    def stop_after_first_batch(p: Progress) -> None:
        if p.done == 2:
            raise StopError

    with override_settings(ENCRYPTION_KEYS=f"{NEW},{TEST1}", ENCRYPTION_CURRENT_KEY="new"):
        with pytest.raises(StopError):
            rotate_model(Secret, batch_size=2, on_progress=stop_after_first_batch)
        with schema_context(gym_a.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM crypto_test_secret WHERE note LIKE 'new:%%'")
            assert cursor.fetchone() == (2,)
        counts = rotate_model(Secret, batch_size=2)
        assert (counts.reencrypted, counts.current, counts.failed) == (3, 2, 0)
        assert _key_ids(gym_a.schema_name) == ["new"]


def test_missing_keys_stop_the_command_before_anything_is_touched():
    with override_settings(ENCRYPTION_KEYS=""), pytest.raises(CommandError, match="No encryption keys"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())


def _in_thread(django_db_blocker: Any, func: Callable[[], Any]) -> threading.Thread:
    """Start ``func`` in a thread on its own autocommit connection (outside the test's transaction)."""

    def run() -> None:
        try:
            with django_db_blocker.unblock():
                func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _committed(django_db_blocker: Any, func: Callable[[], Any]) -> Any:
    result: dict[str, Any] = {}
    _in_thread(django_db_blocker, lambda: result.update(value=func())).join(timeout=30)
    return result["value"]


@pytest.fixture
def committed_secrets(gym_a, django_db_blocker):
    """Three rows committed in gym A (other connections see them); removed afterwards."""

    def make() -> list[UUID]:
        with schema_context(gym_a.schema_name):
            return [Secret.objects.create(note=f"note {i}", data={"i": i}).pk for i in range(3)]

    def remove() -> None:
        with schema_context(gym_a.schema_name), connection.cursor() as cursor:
            cursor.execute("DELETE FROM crypto_test_secret")

    yield _committed(django_db_blocker, make)
    _committed(django_db_blocker, remove)


def test_a_row_locked_by_another_transaction_is_waited_for_not_skipped(
    gym_a, django_db_blocker, committed_secrets
):
    """A row held by a concurrent transaction while the rotation passes it must still be
    re-encrypted: the old key is removed after a clean run, so a skipped row would be lost."""
    pks = committed_secrets
    locked, rotated = threading.Event(), threading.Event()

    def hold_the_middle_row() -> None:
        with schema_context(gym_a.schema_name), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM crypto_test_secret WHERE id = %s FOR UPDATE", [pks[1]])
            locked.set()
            # Hold the lock until the rotation waits for it (or, if it never does, has finished).
            deadline = time.monotonic() + 20
            while not rotated.is_set() and time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:  # type: ignore[index]
                    break
                time.sleep(0.05)

    result: dict[str, Any] = {}

    def rotate() -> None:
        try:
            result["counts"] = rotate_model(Secret, batch_size=1)
        finally:
            rotated.set()

    holder = _in_thread(django_db_blocker, hold_the_middle_row)
    assert locked.wait(timeout=10)
    with override_settings(ENCRYPTION_KEYS=f"{NEW},{TEST1}", ENCRYPTION_CURRENT_KEY="new"):
        _in_thread(django_db_blocker, rotate).join(timeout=30)
    holder.join(timeout=30)
    counts = result["counts"]
    assert (counts.reencrypted, counts.failed, counts.remaining) == (3, 0, {})
    assert _key_ids(gym_a.schema_name) == ["new"]


def test_rows_left_under_an_old_key_fail_the_run_with_counts(gym_a, monkeypatch):
    """A row written under an old key behind the walk (a process with an older key ring) is
    counted after the schema, and the command exits non-zero naming where it is."""
    first = min(_rows(gym_a, 3), key=lambda s: s.pk)  # the walk goes in primary-key order
    with schema_context(gym_a.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT note FROM crypto_test_secret WHERE id = %s", [first.pk])
        (old_note,) = cursor.fetchone()  # type: ignore[misc]

    def write_behind_the_walk(p: Progress) -> None:
        if p.done == 2:
            with schema_context(gym_a.schema_name), connection.cursor() as cursor:
                cursor.execute("UPDATE crypto_test_secret SET note = %s WHERE id = %s", [old_note, first.pk])

    with override_settings(ENCRYPTION_KEYS=f"{NEW},{TEST1}", ENCRYPTION_CURRENT_KEY="new"):
        counts = rotate_model(Secret, batch_size=1, on_progress=write_behind_the_walk)
        assert (counts.reencrypted, counts.failed, counts.remaining) == (3, 0, {gym_a.schema_name: 1})

        monkeypatch.setattr(rotate_command, "rotate_all", lambda **_: [counts])
        with pytest.raises(
            CommandError, match=rf"1 rows are still under an old key .*{gym_a.schema_name}: 1"
        ):
            call_command("rotate_encryption_keys", stdout=io.StringIO())
