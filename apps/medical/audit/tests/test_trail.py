"""Access and change entries, the hash chain and the append-only triggers, in a real gym schema."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from apps.medical.audit import api, services
from apps.medical.audit.chain import GENESIS, entry_hash
from apps.medical.audit.models import AuditEntry, ComplianceDesignation, Disclosure
from apps.medical.audit.tests.helpers import in_gym

pytestmark = pytest.mark.django_db


def test_access_record_appends_a_chained_entry(gym_a):
    actor = gym_a.people["clinician"].id
    subject = gym_a.people["member"].id
    with in_gym(gym_a):
        first = api.access_record(
            actor_id=actor,
            ip="10.0.0.7",
            request_id="req-12345678",
            subject_id=subject,
            object_type="medical.condition",
            object_id="42",
            action=api.AccessAction.VIEW,
            purpose=api.Purpose.TREATMENT,
        )
        second = api.access_record(
            actor_id=actor,
            subject_id=subject,
            object_type="medical.condition",
            object_id="43",
            action="list",
            purpose="treatment",
        )
        rows = list(AuditEntry.objects.order_by("seq"))
    assert [(r.seq, r.object_id, r.action) for r in rows] == [(1, "42", "view"), (2, "43", "list")]
    assert (first.actor_id, first.subject_id, first.gym_id) == (actor, subject, gym_a.id)
    assert (first.ip_address, first.request_id, first.purpose, first.via) == (
        "10.0.0.7",
        "req-12345678",
        "treatment",
        "system",
    )
    assert rows[0].schema_name == gym_a.schema_name
    assert str(rows[0].occurred_at.tzinfo) == "UTC"
    assert rows[0].prev_hash == GENESIS
    assert rows[0].hash == entry_hash(GENESIS, rows[0]) == first.hash
    assert rows[1].prev_hash == rows[0].hash
    assert rows[1].hash == entry_hash(rows[0].hash, rows[1]) == second.hash


def test_every_entry_names_an_actor(gym_a):
    with schema_context(gym_a.schema_name), pytest.raises(ValueError, match="names its actor"):
        api.access_record(
            subject_id=None,
            object_type="medical.condition",
            object_id="1",
            action="view",
            purpose="treatment",
        )
    with schema_context(gym_a.schema_name):
        entry = api.access_record(
            request_meta=api.system_meta(label="task:screening_expiry"),
            subject_id=None,
            object_type="medical.condition",
            object_id="1",
            action="view",
            purpose="operations",
        )
    assert (entry.actor_id, entry.actor_label, entry.via) == (None, "task:screening_expiry", "system")
    assert (entry.gym_id, entry.schema_name) == (None, gym_a.schema_name)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "peek"}, "'peek' is not a valid AccessAction"),
        ({"purpose": "curiosity"}, "'curiosity' is not a valid Purpose"),
        ({"object_type": "Condition"}, "object_type must be 'app_label.model'"),
        ({"detail": {"diagnosis": "x" * 101}}, "at most 100 characters"),
        ({"detail": {"note": ["asthma"]}}, "short identifiers only"),
    ],
)
def test_access_record_refuses_bad_input_and_writes_nothing(gym_a, kwargs, message):
    call = {
        "actor_id": gym_a.people["clinician"].id,
        "subject_id": gym_a.people["member"].id,
        "object_type": "medical.condition",
        "object_id": "1",
        "action": "view",
        "purpose": "treatment",
        **kwargs,
    }
    with schema_context(gym_a.schema_name):
        with pytest.raises(ValueError, match=message):
            api.access_record(**call)
        assert AuditEntry.objects.count() == 0


def test_access_record_needs_a_gym_schema(gym_a):
    with pytest.raises(RuntimeError, match="gym's schema"):
        api.access_record(
            actor_id=gym_a.people["clinician"].id,
            subject_id=None,
            object_type="medical.condition",
            object_id="1",
            action="view",
            purpose="treatment",
        )


PHI = "asthma-diagnosed-2019"


def test_change_entries_hold_field_names_never_values(gym_a):
    subject = gym_a.people["member"].id
    before = {"description": "knee pain", "severity": "mild", "region": "knee"}
    after = {"description": PHI, "severity": "severe", "region": "knee"}
    with schema_context(gym_a.schema_name):
        entry = api.change_record(
            actor_id=gym_a.people["clinician"].id,
            subject_id=subject,
            object_type="medical.condition",
            object_id=uuid.UUID(int=7),
            action=api.ChangeAction.UPDATE,
            fields=api.changed_fields(before=before, after=after),
            purpose=api.Purpose.TREATMENT,
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_to_json(e)::text FROM medical_audit_auditentry e")
            raw = [r[0] for r in cursor.fetchall()]
    assert entry.fields == ("description", "severity")
    assert len(raw) == 1
    for value in (PHI, "asthma", "hma", "severe", "knee pain"):
        assert value not in raw[0]


def test_change_record_refuses_a_value_in_place_of_a_field_name(gym_a):
    with schema_context(gym_a.schema_name):
        with pytest.raises(ValueError, match="field names, never values"):
            api.change_record(
                actor_id=gym_a.people["clinician"].id,
                subject_id=None,
                object_type="medical.condition",
                object_id="1",
                action="update",
                fields=["Asthma since 2019"],
                purpose="treatment",
            )
        with pytest.raises(FieldDoesNotExist, match="has no field 'asthma'"):
            api.change_record(
                actor_id=gym_a.people["clinician"].id,
                subject_id=None,
                object_type="medical_audit.disclosure",
                object_id="1",
                action="update",
                fields=["asthma"],
                purpose="treatment",
            )
        assert AuditEntry.objects.count() == 0


def _one_entry(gym):
    return api.access_record(
        actor_id=gym.people["clinician"].id,
        subject_id=gym.people["member"].id,
        object_type="medical.condition",
        object_id="1",
        action="view",
        purpose="treatment",
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE medical_audit_auditentry SET purpose = 'operations'",
        "DELETE FROM medical_audit_auditentry",
        "TRUNCATE medical_audit_auditentry",
        "UPDATE medical_audit_disclosure SET recipient = 'nobody'",
        "DELETE FROM medical_audit_disclosure",
        "TRUNCATE medical_audit_disclosure",
        "DELETE FROM medical_audit_compliancedesignation",
        "TRUNCATE medical_audit_compliancedesignation",
    ],
)
@pytest.mark.parametrize("which", ["a", "b"])
def test_audit_tables_are_append_only_in_every_gym_schema(world, statement, which):
    gym = getattr(world, which)
    with schema_context(gym.schema_name):
        _one_entry(gym)
        api.disclosure_record(
            actor_id=gym.people["owner"].id,
            subject_id=gym.people["member"].id,
            recipient="City Physio",
            description="clearance letter",
            purpose="continuity of care",
        )
        services.compliance_officer_designate(
            officer_id=gym.people["admin"].id, meta=api.AuditMeta(actor_id=gym.people["owner"].id)
        )
        with (
            pytest.raises(DatabaseError, match="audit trail is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
        assert AuditEntry.objects.count() == 3
        assert Disclosure.objects.get().recipient == "City Physio"
        assert ComplianceDesignation.objects.get().officer_id == gym.people["admin"].id


def test_the_template_schema_carries_the_triggers(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname LIKE 'medical_audit_%%' "
            "AND NOT t.tgisinternal AND n.nspname IN (%s, %s, 'gym_template') GROUP BY n.nspname ORDER BY 1",
            [world.a.schema_name, world.b.schema_name],
        )
        rows = cursor.fetchall()
    assert sorted(rows) == sorted([(world.a.schema_name, 6), (world.b.schema_name, 6), ("gym_template", 6)])


def _trigger_count(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname LIKE 'medical_audit_%%' AND NOT t.tgisinternal",
            [schema],
        )
        return int(cursor.fetchone()[0])


def test_the_trigger_migration_reverses_and_reapplies(gym_a):
    migration = importlib.import_module("apps.medical.audit.migrations.0002_append_only_triggers")
    operation = migration.Migration.operations[0]
    with schema_context(gym_a.schema_name):
        _one_entry(gym_a)
        with connection.cursor() as cursor:
            cursor.execute(operation.reverse_sql)
        assert _trigger_count(gym_a.schema_name) == 0
        assert AuditEntry.objects.update(purpose="operations") == 1
        with connection.cursor() as cursor:
            cursor.execute(operation.sql)
        assert _trigger_count(gym_a.schema_name) == 6
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.update(purpose="treatment")
