"""`wenchuang backup` / `restore`: the round trip keeps every row and every uploaded file."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from wenchuang.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    database_fingerprint,
    fingerprint_tables,
)
from wenchuang.core.uscc import make_valid
from wenchuang.registry.models import District, Enterprise, Talent

# Data must be committed for pg_dump to see it. bulk_create keeps audit rows out, because the
# append-only trigger would refuse the flush that ends a transactional test on SQLite.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(reference, tmp_path):
    xihu = District.objects.get(code="330106")
    Enterprise.objects.bulk_create(
        [
            Enterprise(uscc=make_valid(f"91330106MA2{i:06d}"), name=f"企业{i}", district=xihu)
            for i in range(20)
        ]
    )
    Talent.objects.bulk_create(
        [Talent(name="张三", category="leading", id_number="330106199001011234", district=xihu)]
    )
    media = tmp_path / "media"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "年报.csv").write_text("uscc,revenue\n=1+1,2\n", encoding="utf-8")
    return media


def _sqlite_fingerprint(path):
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    result = fingerprint_tables(db.cursor(), [n for n in names if not n.startswith("sqlite_")])
    db.close()
    return result


def _raw_fingerprint(db, snapshot):
    """The live database read through the plain driver, so values compare like for like."""
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(snapshot)
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        return _sqlite_fingerprint(snapshot)
    dsn = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"], "dbname": db["NAME"]}
    with psycopg.connect(**dsn) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return fingerprint_tables(cursor, [r[0] for r in cursor.fetchall()])


def test_backup_and_restore_round_trip(data, tmp_path):
    counts = {t: v[0] for t, v in database_fingerprint(connection).items()}
    assert counts["registry_enterprise"] == 20
    before = _raw_fingerprint(connection.settings_dict, tmp_path / "snapshot.sqlite3")
    archive = backup_create(dest_dir=tmp_path / "backups", media_root=data)
    assert Path(f"{archive}.sha256").exists()

    restored_media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        target = {"NAME": str(tmp_path / "restored.sqlite3")}
        backup_restore(archive, media_root=restored_media, target_db=target)
    else:
        name = f"wc_restore_{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        dsn = {
            "host": db["HOST"] or None,
            "port": db["PORT"] or None,
            "user": db["USER"],
            "dbname": "postgres",
        }
        with psycopg.connect(**dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        target = {"NAME": name}
        backup_restore(archive, media_root=restored_media, target_db=target)
    if connection.vendor == "sqlite":
        after = _sqlite_fingerprint(target["NAME"])
    else:
        try:
            with psycopg.connect(**{**dsn, "dbname": name}) as restored, restored.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                after = fingerprint_tables(cursor, [r[0] for r in cursor.fetchall()])
        finally:
            with psycopg.connect(**dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}"')
    assert {t: v[0] for t, v in after.items()} == counts
    assert after == before  # same tables, same row counts, same content hash
    assert (restored_media / "uploads" / "年报.csv").read_text(encoding="utf-8") == "uscc,revenue\n=1+1,2\n"


def test_restore_refuses_a_damaged_archive(data, tmp_path):
    archive = backup_create(dest_dir=tmp_path / "backups", media_root=data)
    with archive.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(BackupError, match="checksum"):
        backup_restore(archive, media_root=tmp_path / "m", target_db={"NAME": str(tmp_path / "x.sqlite3")})
