"""Helpers for tests that commit (transactional tests, the browser suite)."""

from __future__ import annotations


def audit_rows_clear() -> None:
    """Sign-ins write audit rows, which the database refuses to delete for 180 days; the flush that
    ends a transactional test would fail. Lift the guard for this test database only, then restore it."""
    import importlib

    from django.db import connection

    guard = importlib.import_module("wenchuang.accounts.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_guard")
            cursor.execute("DELETE FROM accounts_auditevent")
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_guard")
        else:
            for sql in guard.SQLITE_REVERSE:
                cursor.execute(sql)
            cursor.execute("DELETE FROM accounts_auditevent")
            for sql in guard.SQLITE_FORWARD:
                cursor.execute(sql)
