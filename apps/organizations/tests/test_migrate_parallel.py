"""`migrate_schemas --executor=parallel`: every gym schema, in parallel, with progress."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from apps.organizations.models import Gym


@pytest.mark.django_db
@pytest.mark.slow
def test_parallel_migrations_report_progress_per_schema(monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py"])  # children are spawned through manage.py
    schemas = set(Gym.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    out = io.StringIO()
    call_command(
        "migrate_schemas",
        tenant=True,
        executor="parallel",
        parallel=2,
        interactive=False,
        verbosity=0,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Migrating {len(schemas)} gym schemas, 2 at a time"
    progress = [
        re.match(r"^\[(\d+)/(\d+) (\d+)%\] (\S+) ok in [\d.]+s, eta \d+s$", line) for line in lines[1:-1]
    ]
    assert all(progress), lines
    assert [int(m.group(1)) for m in progress if m] == list(range(1, len(schemas) + 1))
    assert {m.group(4) for m in progress if m} == schemas
    assert lines[-1].startswith(f"Migrated {len(schemas)} gym schemas in ")
