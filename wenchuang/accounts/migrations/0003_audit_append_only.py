"""Database-level guard for the audit log: UPDATE is always refused; DELETE is refused for rows younger
than the 180-day retention period. Holds for every client of the database, not only the application."""

from django.db import migrations

RETENTION_DAYS = 180

SQLITE_FORWARD = [
    """
    CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
    f"""
    CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
    WHEN OLD.created_at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit log rows are kept for {RETENTION_DAYS} days'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION accounts_auditevent_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit log is append-only';
        END IF;
        IF OLD.created_at > now() - interval '{RETENTION_DAYS} days' THEN
            RAISE EXCEPTION 'audit log rows are kept for {RETENTION_DAYS} days';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER accounts_auditevent_guard BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_guard();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_guard ON accounts_auditevent;",
    "DROP FUNCTION IF EXISTS accounts_auditevent_guard();",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, None)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_audit")]

    operations = [migrations.RunPython(forward, reverse)]
