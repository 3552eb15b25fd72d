"""The plugin audit table refuses UPDATE and DELETE (append-only), in every gym schema."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION plugins_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'plugins_pluginauditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plugins_audit_append_only
    BEFORE UPDATE OR DELETE ON plugins_pluginauditentry
    FOR EACH ROW EXECUTE FUNCTION plugins_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS plugins_audit_append_only ON plugins_pluginauditentry;
DROP FUNCTION IF EXISTS plugins_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("plugins", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
