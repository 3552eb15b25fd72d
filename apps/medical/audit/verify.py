"""Verification of a gym's hash chain (``manage.py audit_verify``).

Walks the chain in sequence order and names each defect by its entry: a gap in the sequence
(entries deleted), an entry whose ``prev_hash`` is not its predecessor's hash (reordered, or
one before it removed and the rest renumbered), an entry whose hash does not match its contents
(edited), an entry of another schema (copied in), and a disclosure that differs from the digest
its entry recorded or has no entry at all. Deleting the newest entries leaves a shorter valid
chain: compare the reported head (sequence and hash) with one kept outside the database.
"""

from __future__ import annotations

import logging

from django.db import connection
from django_tenants.utils import schema_context

from apps.medical.audit.chain import GENESIS, entry_hash
from apps.medical.audit.contracts import ChainProblem, ChainReport, EntryKind
from apps.medical.audit.models import AuditEntry, Disclosure
from apps.medical.audit.services import disclosure_digest

log = logging.getLogger("gymstack.audit")


def audited_schemas() -> list[str]:
    """Every schema holding an audit trail (gyms, spares and the template)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'medical_audit_auditentry' ORDER BY table_schema"
        )
        return [row[0] for row in cursor.fetchall()]


def chains_verify_all() -> list[ChainReport]:
    """Verify every schema's chain; log each defect (entry numbers and ids, never contents)."""
    reports = [chain_verify(schema_name=schema) for schema in audited_schemas()]
    for report in reports:
        for problem in report.problems:
            log.error(
                "audit chain defect",
                extra={"schema": report.schema_name, "seq": problem.seq, "problem": problem.message},
            )
    return reports


def chain_verify(*, schema_name: str, batch: int = 2000) -> ChainReport:
    """Check the chain of one gym schema; read-only."""
    problems: list[ChainProblem] = []

    def problem(seq: int, entry_id: int | None, message: str) -> None:
        problems.append(ChainProblem(schema_name=schema_name, seq=seq, entry_id=entry_id, message=message))

    with schema_context(schema_name):
        expected_seq, prev_hash, count = 1, GENESIS, 0
        disclosure_digests: dict[str, tuple[int, int, str]] = {}
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
            count += 1
            if entry.seq > expected_seq:
                gap = (
                    f"#{expected_seq}"
                    if entry.seq == expected_seq + 1
                    else f"#{expected_seq}-#{entry.seq - 1}"
                )
                problem(expected_seq, None, f"entries {gap} are missing (deleted)")
            if entry.prev_hash != prev_hash:
                problem(
                    entry.seq,
                    entry.id,
                    f"entry #{entry.seq} (id {entry.id}) does not follow the entry before it: "
                    "entries were reordered, or one before it was removed",
                )
            if entry.hash != entry_hash(entry.prev_hash, entry):
                problem(
                    entry.seq,
                    entry.id,
                    f"entry #{entry.seq} (id {entry.id}) was altered: its hash does not match its contents",
                )
            if entry.schema_name != schema_name:
                problem(
                    entry.seq,
                    entry.id,
                    f"entry #{entry.seq} (id {entry.id}) belongs to schema {entry.schema_name!r}",
                )
            if entry.kind == EntryKind.DISCLOSURE.value:
                disclosure_digests[entry.object_id] = (
                    entry.seq,
                    entry.id,
                    str(entry.detail.get("sha256", "")),
                )
            expected_seq, prev_hash = entry.seq + 1, entry.hash
        for disclosure in Disclosure.objects.order_by("recorded_at").iterator(chunk_size=batch):
            anchor = disclosure_digests.pop(str(disclosure.id), None)
            if anchor is None:
                problem(
                    0, None, f"disclosure {disclosure.id} has no audit entry (inserted outside the trail)"
                )
            elif anchor[2] != disclosure_digest(disclosure):
                problem(
                    anchor[0],
                    anchor[1],
                    f"disclosure {disclosure.id} (entry #{anchor[0]}) was altered after it was recorded",
                )
        for object_id, (seq, entry_id, _) in disclosure_digests.items():
            problem(seq, entry_id, f"disclosure {object_id} of entry #{seq} is missing (deleted)")
    return ChainReport(schema_name=schema_name, entries=count, head_hash=prev_hash, problems=tuple(problems))
