"""Consistent, checksummed backups of the database and the uploaded files, and their restore.

Archive (tar.gz): manifest.json (format, engine, created_at, row counts, sha256 of every member),
database.sqlite3 (SQLite online-backup API: a consistent copy while the site runs) or database.pgdump
(pg_dump custom format, one transaction snapshot), media/, and var/ — the uploaded import files, the
rejected-rows workbooks, the reports and the audit archives (`WENCHUANG_BACKUP_VAR_DIRS`), stored with
paths relative to VAR_DIR. A sidecar ARCHIVE.sha256 holds the archive's own checksum; restore refuses
an archive whose checksums do not match, a member the manifest does not list, a link or device, and
a truncated archive, each with a Chinese message.

Append-only tables (`WENCHUANG_BACKUP_APPEND_ONLY_TABLES`, the audit log) survive a restore: rows
written after the backup are carried over into the restored database, so a restore never erases the
record of what happened since (failed logins included); the restore itself is audited by the command.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from wenchuang.core.errors import DomainError

FORMAT = "wenchuang-backup/1"
DAMAGED = "备份文件不完整或已损坏（{why}），未做任何恢复；请换用完整的备份文件"


def _var_dirs() -> list[str]:
    return list(getattr(settings, "WENCHUANG_BACKUP_VAR_DIRS", ["imports", "reports", "audit-archive"]))


def _append_only() -> list[str]:
    return list(getattr(settings, "WENCHUANG_BACKUP_APPEND_ONLY_TABLES", ["accounts_auditevent"]))


def _max_ids(connection: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in _append_only():
            if table in existing:
                cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608 - names from settings
                out[table] = int(cursor.fetchone()[0] or 0)
    return out


class BackupError(DomainError):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint_tables(cursor: Any, tables: list[str]) -> dict[str, list[Any]]:
    """Row count and a content hash per table over a DB-API cursor (Django's or a plain driver's)."""
    result: dict[str, list[Any]] = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - names from introspection
        digest = hashlib.sha256()
        rows = cursor.fetchall()
        for row in rows:
            digest.update(repr(tuple(str(v) for v in row)).encode())
        result[table] = [len(rows), digest.hexdigest()]
    return result


def database_fingerprint(connection: Any) -> dict[str, list[Any]]:
    """Row count and content hash of every table, for comparing a database with its restored copy."""
    with connection.cursor() as cursor:
        return fingerprint_tables(cursor, connection.introspection.table_names(cursor))


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _dump_database(alias: str, workdir: Path) -> Path:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        dest = sqlite3.connect(target)
        with dest:
            connection.connection.backup(dest)
        dest.close()
        return target
    if connection.vendor == "postgresql":
        target = workdir / "database.pgdump"
        db = connection.settings_dict
        cmd = ["pg_dump", "-Fc", "--no-owner", "-f", str(target), *_pg_args(db), str(db["NAME"])]
        subprocess.run(cmd, check=True, env=_pg_env(db), capture_output=True)  # noqa: S603
        return target
    raise BackupError(f"unsupported database engine {connection.vendor}")


def backup_create(
    *,
    dest_dir: Path | None = None,
    alias: str = "default",
    media_root: Path | None = None,
    var_dir: Path | None = None,
) -> Path:
    dest_dir = Path(dest_dir or settings.WENCHUANG_BACKUP_DIR)
    var_dir = Path(var_dir or settings.VAR_DIR)
    dest_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = dest_dir / f"wenchuang-backup-{stamp}.tar.gz"
    connection = connections[alias]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_file = _dump_database(alias, work)
        members: dict[str, str] = {db_file.name: sha256_file(db_file)}
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        for path in media_files:
            members["media/" + path.relative_to(media_root).as_posix()] = sha256_file(path)
        var_files = [
            p
            for sub in _var_dirs()
            if (var_dir / sub).is_dir()
            for p in sorted((var_dir / sub).rglob("*"))
            if p.is_file() and not p.is_symlink()
        ]
        for path in var_files:
            members["var/" + path.relative_to(var_dir).as_posix()] = sha256_file(path)
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": datetime.now(UTC).isoformat(),
            "members": members,
            "row_counts": {t: v[0] for t, v in database_fingerprint(connection).items()},
            "append_only_max_ids": _max_ids(connection),
        }
        with tarfile.open(archive, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in media_files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
            for path in var_files:
                tar.add(path, arcname="var/" + path.relative_to(var_dir).as_posix())
    Path(f"{archive}.sha256").write_text(f"{sha256_file(archive)}  {archive.name}\n")
    return archive


def backup_verify(archive: Path, workdir: Path) -> dict[str, Any]:
    """Check the archive's checksum, then its members against the manifest (anything unlisted, a link
    or a device is refused before anything is written), unpack into workdir and check every member.
    Returns the manifest. Every refusal is a BackupError with a Chinese message."""
    sidecar = Path(f"{archive}.sha256")
    if not Path(archive).is_file():
        raise BackupError(f"备份文件 {Path(archive).name} 不存在")
    if not sidecar.exists():
        raise BackupError(f"缺少校验和文件 {sidecar.name}，无法确认备份完整，未做任何恢复")
    recorded = (sidecar.read_text().split() or [""])[0]
    if recorded != sha256_file(archive):
        raise BackupError("备份文件校验和（checksum）不符：文件已损坏、不完整或被改动，未做任何恢复")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            by_name = {m.name: m for m in members}
            head = by_name.get("manifest.json")
            if head is None or not head.isfile():
                raise BackupError("不是文创E点通的备份文件（缺少 manifest.json）")
            stream = tar.extractfile(head)
            assert stream is not None
            manifest = json.loads(stream.read().decode())
            if manifest.get("format") != FORMAT:
                raise BackupError("不是文创E点通的备份文件")
            listed = set(manifest.get("members", {}))
            for m in members:
                if m.name == "manifest.json":
                    continue
                if m.name not in listed:
                    raise BackupError(f"备份中有清单（manifest）未列出的文件 {m.name}，已拒绝恢复")
                if not m.isfile():
                    raise BackupError(f"备份中的 {m.name} 不是普通文件（链接或设备），已拒绝恢复")
            tar.extractall(workdir, members=[m for m in members if m.name != "manifest.json"], filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(DAMAGED.format(why=type(exc).__name__)) from exc
    for name, digest in manifest["members"].items():
        path = workdir / name
        if not path.is_file() or sha256_file(path) != digest:
            raise BackupError(f"备份中的 {name} 缺失或校验和不符，未做任何恢复")
    return manifest


def backup_restore(
    archive: Path,
    *,
    alias: str = "default",
    media_root: Path | None = None,
    target_db: dict[str, Any] | None = None,
    var_dir: Path | None = None,
) -> dict[str, Any]:
    """Verify and restore. `target_db` (a settings dict) restores into another database instead of `alias`."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    var_dir = Path(var_dir or settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = backup_verify(Path(archive), work)
        kept = _rows_after(connections[alias], manifest.get("append_only_max_ids", {}))
        db = target_db or connections[alias].settings_dict
        if manifest["engine"] == "sqlite":
            source = sqlite3.connect(work / "database.sqlite3")
            if target_db is None:
                connection = connections[alias]
                connection.ensure_connection()
                source.backup(connection.connection)
            else:
                dest = sqlite3.connect(str(db["NAME"]))
                source.backup(dest)
                dest.close()
            source.close()
        elif manifest["engine"] == "postgresql":
            cmd = [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(db),
            ]
            cmd += ["-d", str(db["NAME"]), str(work / "database.pgdump")]
            subprocess.run(cmd, check=True, env=_pg_env(db), capture_output=True)  # noqa: S603
        else:
            raise BackupError(f"备份中的数据库类型 {manifest['engine']} 不受支持")
        manifest["append_only_kept"] = _carry_over(
            kept, alias=alias, engine=manifest["engine"], target_db=target_db
        )
        media_src = work / "media"
        if media_src.exists():
            if media_root.exists():
                shutil.rmtree(media_root)
            shutil.copytree(media_src, media_root)
        for sub in _var_dirs():
            src = work / "var" / sub
            if src.exists():
                if (var_dir / sub).exists():
                    shutil.rmtree(var_dir / sub)
                shutil.copytree(src, var_dir / sub)
    return manifest


_Kept = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _rows_after(connection: Any, max_ids: dict[str, int]) -> _Kept:
    """Rows of the append-only tables written after the backup (id above the archive's highest)."""
    kept: _Kept = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in _append_only():
            if table not in existing:
                continue
            cursor.execute(
                f'SELECT * FROM "{table}" WHERE id > %s ORDER BY id',  # noqa: S608 - names from settings
                [int(max_ids.get(table, 0))],
            )
            columns = [c[0] for c in cursor.description]
            kept[table] = (columns, [tuple(r) for r in cursor.fetchall()])
    return kept


def _carry_over(kept: _Kept, *, alias: str, engine: str, target_db: dict[str, Any] | None) -> dict[str, int]:
    """Insert the kept rows the restored database lacks (id above its highest); returns counts."""
    if target_db is None:
        connection = connections[alias]
        with connection.cursor() as cursor:
            return _insert_missing(cursor, kept, "%s", engine)
    if engine == "sqlite":
        dest = sqlite3.connect(str(target_db["NAME"]))
        try:
            with dest:
                return _insert_missing(dest.cursor(), kept, "?", engine)
        finally:
            dest.close()
    import psycopg

    db = {**connections[alias].settings_dict, **target_db}
    dsn = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER"),
        "dbname": db["NAME"],
    }
    with psycopg.connect(**dsn) as raw, raw.cursor() as cursor:
        return _insert_missing(cursor, kept, "%s", engine)


def _insert_missing(cursor: Any, kept: _Kept, mark: str, engine: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, (columns, rows) in kept.items():
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608 - names from settings
        top = int((cursor.fetchone() or [0])[0] or 0)
        missing = [r for r in rows if int(r[columns.index("id")]) > top]
        if missing:
            cols = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join([mark] * len(columns))
            cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', missing)  # noqa: S608
            if engine == "postgresql":
                seq = f"pg_get_serial_sequence('\"{table}\"', 'id')"
                cursor.execute(f'SELECT setval({seq}, (SELECT MAX(id) FROM "{table}"))')  # noqa: S608
        counts[table] = len(missing)
    return counts
