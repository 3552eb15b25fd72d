"""``manage.py audit_verify`` finds an edited, deleted or reordered entry and names it.

Tampering needs the append-only triggers out of the way, which only a superuser (or the table's
owner) can do: the tests disable them inside their transaction, as an attacker with those
rights would."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from apps.medical.audit import api
from apps.medical.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(gym, n: int) -> list[int]:
    with schema_context(gym.schema_name):
        for i in range(n):
            api.access_record(
                actor_id=gym.people["clinician"].id,
                ip="10.1.1.1",
                subject_id=gym.people["member"].id,
                object_type="medical.condition",
                object_id=str(i + 1),
                action="view",
                purpose="treatment",
            )
        return list(AuditEntry.objects.order_by("seq").values_list("id", flat=True))


def _tamper(gym, *statements: tuple[str, list[Any]]) -> None:
    with schema_context(gym.schema_name), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE medical_audit_auditentry DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE medical_audit_disclosure DISABLE TRIGGER USER")
        for statement, params in statements:
            cursor.execute(statement, params)
        cursor.execute("ALTER TABLE medical_audit_auditentry ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE medical_audit_disclosure ENABLE TRIGGER USER")


def _verify(**options: str) -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, **options)
    return out.getvalue()


def _verify_fails(**options: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=out, **options)
    return out.getvalue(), str(failure.value)


def test_an_untouched_chain_verifies_in_every_schema(world):
    _entries(world.a, 3)
    _entries(world.b, 2)
    out = _verify()
    assert f"{world.a.schema_name}: OK, 3 entries" in out
    assert f"{world.b.schema_name}: OK, 2 entries" in out
    assert "gym_template: OK, 0 entries" in out


def test_an_edited_entry_is_named(world):
    ids = _entries(world.a, 4)
    _tamper(world.a, ("UPDATE medical_audit_auditentry SET purpose = 'operations' WHERE id = %s", [ids[2]]))
    out, error = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entry #3 (id {ids[2]}) was altered: its hash does not match its contents"
    ]
    assert error == "Audit chain verification failed in 1 of 1 schema(s)."


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(world):
    ids = _entries(world.a, 3)
    from apps.medical.audit.chain import entry_hash

    with schema_context(world.a.schema_name):
        forged = AuditEntry.objects.get(pk=ids[1])
    forged.actor_label = "someone-else@example.test"
    new_hash = entry_hash(forged.prev_hash, forged)
    _tamper(
        world.a,
        (
            "UPDATE medical_audit_auditentry SET actor_label = 'someone-else@example.test', hash = %s "
            "WHERE id = %s",
            [new_hash, ids[1]],
        ),
    )
    out, _ = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entry #3 (id {ids[2]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed"
    ]


def test_a_deleted_entry_is_named(world):
    ids = _entries(world.a, 4)
    _tamper(world.a, ("DELETE FROM medical_audit_auditentry WHERE id = %s", [ids[1]]))
    out, _ = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entries #2 are missing (deleted)",
        f"  {world.a.schema_name}: entry #3 (id {ids[2]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed",
    ]


def test_a_deleted_and_renumbered_entry_is_named(world):
    ids = _entries(world.a, 4)
    _tamper(
        world.a,
        ("DELETE FROM medical_audit_auditentry WHERE id = %s", [ids[1]]),
        ("UPDATE medical_audit_auditentry SET seq = seq - 1 WHERE seq > 2", []),
    )
    out, _ = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entry #2 (id {ids[2]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed"
    ]


def test_reordered_entries_are_named(world):
    ids = _entries(world.a, 4)
    _tamper(
        world.a,
        ("UPDATE medical_audit_auditentry SET seq = 100 WHERE id = %s", [ids[1]]),
        ("UPDATE medical_audit_auditentry SET seq = 2 WHERE id = %s", [ids[2]]),
        ("UPDATE medical_audit_auditentry SET seq = 3 WHERE id = %s", [ids[1]]),
    )
    out, _ = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entry #2 (id {ids[2]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed",
        f"  {world.a.schema_name}: entry #3 (id {ids[1]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed",
        f"  {world.a.schema_name}: entry #4 (id {ids[3]}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed",
    ]


def test_an_entry_copied_from_another_gym_is_named(world):
    _entries(world.b, 1)
    ids = _entries(world.a, 1)
    columns = (
        "seq, kind, action, occurred_at, gym_id, schema_name, actor_id, actor_label, via, credential_id, "
        "subject_id, object_type, object_id, purpose, ip_address, request_id, fields, detail, prev_hash, hash"
    )
    source = f'"{world.b.schema_name}".medical_audit_auditentry'
    copy = f"INSERT INTO medical_audit_auditentry ({columns}) SELECT {columns.replace('seq,', '2,', 1)} "
    _tamper(world.a, (copy + f"FROM {source}", []))
    with schema_context(world.a.schema_name):
        copied = AuditEntry.objects.get(seq=2).id
    out, _ = _verify_fails(schema=world.a.schema_name)
    assert out.splitlines()[1:] == [
        f"  {world.a.schema_name}: entry #2 (id {copied}) does not follow the entry before it: "
        "entries were reordered, or one before it was removed",
        f"  {world.a.schema_name}: entry #2 (id {copied}) belongs to schema '{world.b.schema_name}'",
    ]
    assert ids


def test_an_edited_or_deleted_disclosure_is_named(world):
    gym = world.a
    with schema_context(gym.schema_name):
        kept = api.disclosure_record(
            actor_id=gym.people["owner"].id,
            subject_id=gym.people["member"].id,
            recipient="City Physio",
            description="clearance letter",
            purpose="continuity of care",
        )
        gone = api.disclosure_record(
            actor_id=gym.people["owner"].id,
            subject_id=gym.people["member"].id,
            recipient="Insurer",
            description="screening outcome",
            purpose="claim",
        )
        entry_ids = list(AuditEntry.objects.order_by("seq").values_list("id", flat=True))
    assert f"{gym.schema_name}: OK, 2 entries" in _verify(schema=gym.schema_name)
    _tamper(
        gym,
        ("UPDATE medical_audit_disclosure SET recipient = 'Nobody' WHERE id = %s", [kept.id]),
        ("DELETE FROM medical_audit_disclosure WHERE id = %s", [gone.id]),
    )
    out, _ = _verify_fails(schema=gym.schema_name)
    assert out.splitlines()[1:] == [
        f"  {gym.schema_name}: disclosure {kept.id} (entry #1) was altered after it was recorded",
        f"  {gym.schema_name}: disclosure {gone.id} of entry #2 is missing (deleted)",
    ]
    assert len(entry_ids) == 2


def test_an_unknown_schema_is_refused():
    with pytest.raises(CommandError, match=r"^Schema 'nope' has no audit trail\.$"):
        call_command("audit_verify", schema="nope", stdout=StringIO())


def test_the_daily_task_logs_each_defect_without_contents(world, caplog):
    from apps.medical.audit.tasks import verify_chains

    ids = _entries(world.a, 2)
    _entries(world.b, 1)
    assert verify_chains() == 0
    _tamper(world.a, ("UPDATE medical_audit_auditentry SET object_id = 'x' WHERE id = %s", [ids[0]]))
    with caplog.at_level("ERROR", logger="gymstack.audit"):
        assert verify_chains() == 1
    assert [(r.getMessage(), r.schema, r.seq) for r in caplog.records] == [  # type: ignore[attr-defined]
        ("audit chain defect", world.a.schema_name, 1)
    ]
    assert caplog.records[0].problem == (  # type: ignore[attr-defined]
        f"entry #1 (id {ids[0]}) was altered: its hash does not match its contents"
    )


def test_the_task_is_scheduled_daily(settings):
    from apps.medical.audit.tasks import verify_chains

    assert settings.CELERY_BEAT_SCHEDULE["verify-audit-chains"] == {
        "task": "medical_audit.verify_chains",
        "schedule": 86400.0,
    }
    assert verify_chains.name == "medical_audit.verify_chains"
