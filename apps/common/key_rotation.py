"""Re-encrypt every encrypted field of every row under the current key (SECURITY.md 24).

Walks ``apps.get_models()`` for models with encrypted fields; a model of a shared-only app is
rotated in ``public``, any other in every schema that has its table (gyms, the template and
spares). Rows are taken in primary-key order, ``batch_size`` at a time, locked (``FOR UPDATE``)
and rewritten in one transaction per batch, so a concurrent write is never overwritten with an
older value. A row another transaction holds is waited for, not skipped: the walk moves past
each batch for good, so a skipped row would stay under its old key. Only rows with a value under
another key are selected, so an interrupted run resumes where it stopped. A row that cannot be
decrypted is counted as failed and left as it is. After each schema the rows still under another
key are counted again; any beyond the failed ones (written under an old key during the run) are
reported as ``remaining``, and the old key must stay in the ring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django_tenants.utils import schema_context

from apps.common import crypto
from apps.common.fields import PUBLIC_SCHEMA, Ciphertext, EncryptedField, Sealed, encrypted_fields


@dataclass
class RotationCounts:
    """Outcome for one model, summed over schemas."""

    label: str
    reencrypted: int = 0
    current: int = 0
    failed: int = 0
    # Rows still under another key after the run that were not counted as failed, per schema.
    remaining: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def remaining_total(self) -> int:
        return sum(self.remaining.values())


@dataclass(frozen=True)
class Progress:
    label: str
    schema: str
    done: int
    total: int


def encrypted_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if encrypted_fields(m)]


def _schemas_with_table(model: type[models.Model]) -> list[str]:
    field = encrypted_fields(model)[0]
    if field._shared_only:
        return [PUBLIC_SCHEMA]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s ORDER BY table_schema",
            [model._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


def _stale_condition(fields: list[EncryptedField], current: str) -> tuple[str, list[Any]]:
    qn = connection.ops.quote_name
    prefix = f"{current}:"
    parts = [f"({qn(f.column)} IS NOT NULL AND left({qn(f.column)}, %s) <> %s)" for f in fields]
    params: list[Any] = []
    for _ in fields:
        params += [len(prefix), prefix]
    return " OR ".join(parts), params


def _count(table: str, where: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)  # noqa: S608 - quoted names
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _batches(
    model: type[models.Model], fields: list[EncryptedField], current: str, batch_size: int
) -> Iterator[list[Any]]:
    """Primary keys of stale rows, one locked batch at a time (the caller's transaction)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)  # type: ignore[union-attr]
    where, params = _stale_condition(fields, current)
    last: Any = None
    while True:
        after = "" if last is None else f" AND {pk} > %s"
        sql = (
            f"SELECT {pk} FROM {table} WHERE ({where}){after} "  # noqa: S608 - quoted names only
            f"ORDER BY {pk} LIMIT %s FOR UPDATE"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *([] if last is None else [last]), batch_size])
            pks = [row[0] for row in cursor.fetchall()]
        if not pks:
            return
        yield pks
        last = pks[-1]


def _rotate_rows(model: type[models.Model], fields: list[EncryptedField], pks: list[Any], schema: str) -> int:
    """Re-encrypt the given (locked) rows. Returns how many failed to decrypt."""
    current = crypto.current_key_id()
    failed = 0
    rows: list[list[Any]] = []
    for obj in model._base_manager.filter(pk__in=pks).only("pk", *(f.name for f in fields)):
        row: list[Any] = [obj.pk]
        try:
            for field in fields:
                value = obj.__dict__.get(field.attname)
                if isinstance(value, Sealed) and value.key_id != current:
                    value = field.seal(field.open(value, obj), schema=schema, pk=obj.pk)
                # Values already under the current key (and NULLs) are written back unchanged.
                row.append(value.text if isinstance(value, Sealed) else value)
        except crypto.EncryptionError:
            failed += 1
            continue
        rows.append(row)
    if rows:
        _write_rows(model, fields, rows)
    return failed


def _write_rows(model: type[models.Model], fields: list[EncryptedField], rows: list[list[Any]]) -> None:
    """One ``UPDATE ... FROM (VALUES ...)`` for the batch (``bulk_update``'s CASE per row grows
    quadratically with the batch)."""
    qn = connection.ops.quote_name
    pk = qn(model._meta.pk.column)  # type: ignore[union-attr]
    columns = [qn(f.column) for f in fields]
    placeholders = ", ".join("(" + ", ".join(["%s"] * (len(fields) + 1)) + ")" for _ in rows)
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    sql = (
        f"UPDATE {qn(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608 - quoted names only
        f"FROM (VALUES {placeholders}) AS v(pk, {', '.join(columns)}) WHERE t.{pk} = v.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [None if v is None else str(v) if isinstance(v, Ciphertext) else v for r in rows for v in r]
        )


def rotate_model(
    model: type[models.Model],
    *,
    batch_size: int = 500,
    on_progress: Callable[[Progress], None] | None = None,
) -> RotationCounts:
    """Re-encrypt one model's rows in every schema that holds it."""
    fields = encrypted_fields(model)
    counts = RotationCounts(label=model._meta.label)
    current = crypto.current_key_id()
    for schema in _schemas_with_table(model):
        with schema_context(schema):
            table = connection.ops.quote_name(model._meta.db_table)
            where, params = _stale_condition(fields, current)
            stale = _count(table, where, params)
            counts.current += _count(table, "TRUE", []) - stale
            done = 0
            failed_here = 0
            if on_progress:
                on_progress(Progress(counts.label, schema, done, stale))
            batches = _batches(model, fields, current, batch_size)
            while True:
                with transaction.atomic():
                    pks = next(batches, None)
                    if pks is None:
                        break
                    failed = _rotate_rows(model, fields, pks, schema)
                counts.failed += failed
                failed_here += failed
                counts.reencrypted += len(pks) - failed
                done += len(pks)
                if on_progress:
                    on_progress(Progress(counts.label, schema, done, max(stale, done)))
            left = _count(table, where, params) - failed_here
            if left > 0:
                counts.remaining[schema] = left
    return counts


def rotate_all(
    *, batch_size: int = 500, on_progress: Callable[[Progress], None] | None = None
) -> list[RotationCounts]:
    """Re-encrypt every encrypted field of every model in every schema. Returns counts per model."""
    crypto.key_ring()  # fail before touching anything when the ring is missing or malformed
    return [rotate_model(m, batch_size=batch_size, on_progress=on_progress) for m in encrypted_models()]
