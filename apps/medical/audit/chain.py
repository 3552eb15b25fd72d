"""The per-gym hash chain: ``hash = SHA256(prev_hash || canonical entry)``.

Appends are serialised per schema by a transaction-scoped advisory lock, so two requests never
take the same sequence number or link to the same predecessor. The canonical form is JSON with
sorted keys over every stored column except ``id``, ``seq``, ``prev_hash`` and ``hash``: the
links carry the order, ``seq`` only makes gaps (deleted entries) easy to name.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from apps.common.tenancy import current_schema
from apps.medical.audit.models import AuditEntry

GENESIS = "0" * 64
CANONICAL_FIELDS = (
    "kind",
    "action",
    "occurred_at",
    "gym_id",
    "schema_name",
    "actor_id",
    "actor_label",
    "via",
    "credential_id",
    "subject_id",
    "object_type",
    "object_id",
    "purpose",
    "ip_address",
    "request_id",
    "fields",
    "detail",
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if value is None or isinstance(value, str | int | bool | list | dict):
        return value
    return str(value)  # UUID


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash covers."""
    body = {name: _value(getattr(entry, name)) for name in CANONICAL_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def lock_key(schema_name: str) -> int:
    """A database-wide advisory lock key, one per gym schema."""
    digest = hashlib.sha256(f"medical_audit:{schema_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def chain_append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Link ``entries`` (unsaved, in order) to the end of the current schema's chain and save
    them in one statement. Holds the schema's chain lock until the surrounding transaction ends."""
    if not entries:
        return []
    schema = current_schema()
    with transaction.atomic():
        # One cursor for both statements: django-tenants sets the search path once per cursor.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(schema)])
            cursor.execute("SELECT seq, hash FROM medical_audit_auditentry ORDER BY seq DESC LIMIT 1")
            last = cursor.fetchone()
        seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        for entry in entries:
            seq += 1
            entry.seq = seq
            entry.schema_name = schema
            entry.occurred_at = entry.occurred_at.astimezone(UTC)
            entry.prev_hash = prev
            entry.hash = entry_hash(prev, entry)
            prev = entry.hash
        return AuditEntry.objects.bulk_create(entries)
