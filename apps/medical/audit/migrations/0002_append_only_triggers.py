"""Append-only audit tables: a trigger in every gym schema refuses UPDATE, DELETE and TRUNCATE.

The function is created in the gym's own schema (the first on the search path while a tenant
migrates), so each schema carries its own copy and cloned schemas keep working on their own.
"""

from django.db import migrations

TABLES = ("medical_audit_auditentry", "medical_audit_disclosure", "medical_audit_compliancedesignation")

FUNCTION = """
CREATE OR REPLACE FUNCTION medical_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def _triggers(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION medical_audit_append_only();\n"
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION medical_audit_append_only();\n"
    )


def _drop(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};\nDROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"


class Migration(migrations.Migration):
    dependencies = [("medical_audit", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION + "".join(_triggers(t) for t in TABLES),
            reverse_sql="".join(_drop(t) for t in TABLES) + "DROP FUNCTION IF EXISTS medical_audit_append_only();",
        )
    ]
