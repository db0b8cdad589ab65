"""Restore keeps the audit rows written after the backup; archives carry the import files,
rejected-rows workbooks and reports with relative paths; unlisted members and truncated archives are
refused with a Chinese message."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from wenchuang.accounts.models import AuditEvent
from wenchuang.core.backup import BackupError, backup_create, backup_restore, sha256_file

# Committed data for pg_dump; audit rows dated past the 180-day trigger so the flush may delete them.
pytestmark = pytest.mark.django_db(transaction=True)
OLD = timedelta(days=200)


def _audit(n: int, username: str) -> None:
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                created_at=timezone.now() - OLD,
                username=username,
                event=AuditEvent.Event.LOGIN_FAILED,
                outcome=AuditEvent.Outcome.FAILURE,
                ip="127.0.0.1",
            )
            for _ in range(n)
        ]
    )


def _pg_dsn(name: str) -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"], "dbname": name}


def _restore_elsewhere(archive, tmp_path, **kwargs):
    """Restore into a scratch database; returns a function that runs a query there."""
    if connection.vendor == "sqlite":
        target = {"NAME": str(tmp_path / "restored.sqlite3")}
        backup_restore(archive, target_db=target, **kwargs)

        def query(sql):
            db = sqlite3.connect(target["NAME"])
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()

        return query, lambda: None
    name = f"wc_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**_pg_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    backup_restore(archive, target_db={"NAME": name}, **kwargs)

    def query(sql):
        with psycopg.connect(**_pg_dsn(name)) as raw:
            return raw.execute(sql).fetchall()

    def drop():
        with psycopg.connect(**_pg_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}"')

    return query, drop


def test_a_restore_keeps_the_audit_rows_written_after_the_backup(reference, tmp_path):
    _audit(2, "before")
    archive = backup_create(dest_dir=tmp_path / "b", media_root=tmp_path / "m", var_dir=tmp_path / "v")
    _audit(3, "after")  # e.g. failed logins after the backup
    query, drop = _restore_elsewhere(archive, tmp_path, media_root=tmp_path / "m2", var_dir=tmp_path / "v2")
    try:
        rows = query("SELECT username, COUNT(*) FROM accounts_auditevent GROUP BY username ORDER BY username")
        assert dict(rows) == {"after": 3, "before": 2}
    finally:
        drop()


def test_archives_carry_import_files_and_reports_with_relative_paths(reference, tmp_path):
    var = tmp_path / "var"
    (var / "imports" / "errors").mkdir(parents=True)
    (var / "reports").mkdir(parents=True)
    (var / "imports" / "batch-1.upload").write_bytes(b"uscc,name\n")
    (var / "imports" / "errors" / "batch-1-errors.xlsx").write_bytes(b"PK-errors")
    (var / "reports" / "monitoring-2025.pdf").write_bytes(b"%PDF-1.7")
    archive = backup_create(dest_dir=tmp_path / "b", media_root=tmp_path / "m", var_dir=var)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"var/imports/batch-1.upload", "var/imports/errors/batch-1-errors.xlsx"} <= names
    assert "var/reports/monitoring-2025.pdf" in names and not any(n.startswith("/") for n in names)
    elsewhere = tmp_path / "elsewhere"
    _, drop = _restore_elsewhere(archive, tmp_path, media_root=tmp_path / "m2", var_dir=elsewhere)
    drop()
    assert (elsewhere / "imports" / "errors" / "batch-1-errors.xlsx").read_bytes() == b"PK-errors"
    assert (elsewhere / "reports" / "monitoring-2025.pdf").read_bytes() == b"%PDF-1.7"


def _rewrite_sidecar(archive):
    (archive.parent / f"{archive.name}.sha256").write_text(f"{sha256_file(archive)}  {archive.name}\n")


def test_a_member_missing_from_the_manifest_is_refused(reference, tmp_path):
    archive = backup_create(dest_dir=tmp_path / "b", media_root=tmp_path / "m", var_dir=tmp_path / "v")
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    with tarfile.open(archive, "w:gz") as tar:
        for m, data in members:
            tar.addfile(m, io.BytesIO(data) if data is not None else None)
        extra = b"#!/bin/sh\n"
        info = tarfile.TarInfo("var/imports/evil.sh")
        info.size = len(extra)
        tar.addfile(info, io.BytesIO(extra))
    _rewrite_sidecar(archive)
    with pytest.raises(BackupError, match="未列出"):
        backup_restore(archive, target_db={"NAME": str(tmp_path / "x.sqlite3")}, var_dir=tmp_path / "v2")
    assert not (tmp_path / "v2").exists()


def test_a_truncated_archive_gets_a_chinese_message(reference, tmp_path):
    archive = backup_create(dest_dir=tmp_path / "b", media_root=tmp_path / "m", var_dir=tmp_path / "v")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="校验和"):
        call_command("restore", str(archive), "--yes")
    _rewrite_sidecar(archive)  # even with a matching checksum the archive is incomplete
    with pytest.raises(CommandError, match="不完整或已损坏"):
        call_command("restore", str(archive), "--yes")


def test_the_manifest_records_the_audit_high_water_mark(reference, tmp_path):
    _audit(1, "x")
    archive = backup_create(dest_dir=tmp_path / "b", media_root=tmp_path / "m", var_dir=tmp_path / "v")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["append_only_max_ids"]["accounts_auditevent"] == AuditEvent.objects.latest("id").id
