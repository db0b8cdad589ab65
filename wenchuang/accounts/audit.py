"""Writing the audit log. Every security-relevant event goes through `audit_record`.

The current request (user, IP, request id) is carried in a context variable set by
RequestContextMiddleware, so services deep below a view can audit without passing the request down.

`audit_purge` is the one way rows ever leave the log: past the retention period, archived first.
"""

from __future__ import annotations

import contextvars
import csv
import getpass
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from wenchuang.accounts.models import AuditEvent, AuditLogError
from wenchuang.core.backup import sha256_file
from wenchuang.core.errors import DomainError

logger = logging.getLogger("wenchuang.audit")

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "wenchuang_current_request", default=None
)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    event: str,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    user: Any = None,
    username: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    row = AuditEvent(
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        role=getattr(user, "role", "") if user is not None else "",
        ip=client_ip(request),
        event=event,
        outcome=outcome,
        object_type=object_type[:100],
        object_id=str(object_id)[:100],
        request_id=getattr(request, "request_id", "") if request is not None else "",
        method=request.method or "" if request is not None else "",
        path=request.path[:500] if request is not None else "",
        detail=detail or {},
    )
    row.save()
    logger.info("audit %s %s %s %s", row.event, row.outcome, row.username or "-", row.path)
    return row


# 《网络安全法》第二十一条: network logs are kept for no less than six months. The database trigger
# (accounts migration 0003) enforces the same 180 days for every client of the database.
AUDIT_RETENTION_MINIMUM_DAYS = 180
ARCHIVE_COLUMNS = (
    "id",
    "created_at",
    "user_id",
    "username",
    "role",
    "ip",
    "event",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "method",
    "path",
    "detail",
)
PURGE_ACTOR = "system"


class AuditPurgeRefused(DomainError):
    """A purge that would break the retention rule; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class AuditPurgeResult:
    older_than_days: int
    cutoff: datetime
    count: int
    dry_run: bool
    archive: Path | None = None
    sha256: str | None = None
    audit_id: int | None = None


def audit_archive_dir() -> Path:
    return Path(settings.VAR_DIR) / "audit-archive"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return ""


def _archive_row(e: AuditEvent) -> list[Any]:
    # Faithful, not neutralised for spreadsheets (unlike core.exports): the archive must restore
    # every value exactly. Times in UTC ISO 8601, detail as JSON.
    return [
        e.pk,
        e.created_at.astimezone(UTC).isoformat(),
        "" if e.user_id is None else e.user_id,
        e.username,
        e.role,
        e.ip or "",
        e.event,
        e.object_type,
        e.object_id,
        e.outcome,
        e.request_id,
        e.method,
        e.path,
        json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
    ]


def _write_archive(path: Path, rows: Any) -> int:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    count = 0
    # "x": never overwrite an earlier archive. 0600: the rows hold user names and IP addresses.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(ARCHIVE_COLUMNS)
            for row in rows.iterator(chunk_size=2000):
                writer.writerow(_archive_row(row))
                count += 1
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rows are deleted
    except BaseException:
        path.unlink(missing_ok=True)  # a partial archive must not pass for a complete one
        raise
    return count


def audit_purge(
    *, older_than_days: int, dry_run: bool = False, now: datetime | None = None
) -> AuditPurgeResult:
    """Archive, then delete, the audit rows older than `older_than_days` (≥ 180) days.

    The rows go to a CSV file under the var directory (with a .sha256 sidecar) before one set-based
    DELETE removes them; the purge itself is recorded as an audit row. All in one transaction, so
    either the rows are archived, deleted and the purge recorded, or nothing changes in the database.
    """
    if older_than_days < AUDIT_RETENTION_MINIMUM_DAYS:
        raise AuditPurgeRefused(
            f"审计日志至少保留{AUDIT_RETENTION_MINIMUM_DAYS}天（《网络安全法》第二十一条：网络日志留存不少于六个月），"
            f"--older-than-days 不能小于{AUDIT_RETENTION_MINIMUM_DAYS}，当前为{older_than_days}。"
        )
    now = now or timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    old = AuditEvent.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return AuditPurgeResult(older_than_days, cutoff, old.count(), dry_run=True)
    with transaction.atomic():
        # Bound by id as well, so the DELETE removes exactly the rows written to the archive.
        last_id = old.aggregate(m=Max("id"))["m"]
        archive: Path | None = None
        digest: str | None = None
        count = 0
        if last_id is not None:
            archive = audit_archive_dir() / f"audit-before-{cutoff.astimezone(UTC):%Y%m%dT%H%M%SZ}.csv"
            count = _write_archive(archive, old.filter(id__lte=last_id).order_by("id"))
            try:
                digest = sha256_file(archive)
                Path(f"{archive}.sha256").write_text(f"{digest}  {archive.name}\n")
                deleted = _delete_older(cutoff, last_id)
                if deleted != count:
                    raise AuditLogError(f"审计日志清理中止：归档 {count} 条，删除 {deleted} 条，不一致")
            except BaseException:
                # The transaction rolls back, so the rows are still in the database: drop the copy.
                for leftover in (archive, Path(f"{archive}.sha256")):
                    leftover.unlink(missing_ok=True)
                raise
        entry = audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            username=PURGE_ACTOR,
            object_type=AuditEvent._meta.label,
            detail={
                "action": "audit_purge",
                "channel": "cli",
                "os_user": _os_user(),
                "older_than_days": older_than_days,
                "cutoff": cutoff.astimezone(UTC).isoformat(),
                "deleted": count,
                "archive": str(archive) if archive else "",
                "sha256": digest or "",
            },
        )
    return AuditPurgeResult(older_than_days, cutoff, count, False, archive, digest, entry.pk)


def _delete_older(cutoff: datetime, last_id: int) -> int:
    # The model and its queryset refuse deletes on purpose; this is the single sanctioned path. The
    # database trigger still refuses any row younger than the retention period.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE created_at < %s AND id <= %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(cutoff), last_id],
        )
        return cursor.rowcount
