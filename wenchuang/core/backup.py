"""Consistent, checksummed backups of the database and the uploaded files, and their restore.

Archive (tar.gz): manifest.json (format, engine, created_at, row counts, sha256 of every member),
database.sqlite3 (SQLite online-backup API: a consistent copy while the site runs) or database.pgdump
(pg_dump custom format, one transaction snapshot), and media/. A sidecar ARCHIVE.sha256 holds the
archive's own checksum; restore refuses an archive whose checksums do not match.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from wenchuang.core.errors import DomainError

FORMAT = "wenchuang-backup/1"


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
    *, dest_dir: Path | None = None, alias: str = "default", media_root: Path | None = None
) -> Path:
    dest_dir = Path(dest_dir or settings.WENCHUANG_BACKUP_DIR)
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
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": datetime.now(UTC).isoformat(),
            "members": members,
            "row_counts": {t: v[0] for t, v in database_fingerprint(connection).items()},
        }
        with tarfile.open(archive, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in media_files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
    Path(f"{archive}.sha256").write_text(f"{sha256_file(archive)}  {archive.name}\n")
    return archive


def backup_verify(archive: Path, workdir: Path) -> dict[str, Any]:
    """Check the archive's checksum, unpack it into workdir and check every member. Returns the manifest."""
    sidecar = Path(f"{archive}.sha256")
    if not sidecar.exists():
        raise BackupError(f"checksum file {sidecar.name} is missing")
    if sidecar.read_text().split()[0] != sha256_file(archive):
        raise BackupError("archive checksum does not match: the file is damaged or was altered")
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(workdir, filter="data")
    manifest = json.loads((workdir / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError("not a 文创E点通 backup archive")
    for name, digest in manifest["members"].items():
        if sha256_file(workdir / name) != digest:
            raise BackupError(f"member {name} checksum does not match")
    return manifest


def backup_restore(
    archive: Path,
    *,
    alias: str = "default",
    media_root: Path | None = None,
    target_db: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Verify and restore. `target_db` (a settings dict) restores into another database instead of `alias`."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = backup_verify(Path(archive), work)
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
            raise BackupError(f"unsupported engine in archive: {manifest['engine']}")
        media_src = work / "media"
        if media_src.exists():
            if media_root.exists():
                shutil.rmtree(media_root)
            shutil.copytree(media_src, media_root)
    return manifest
