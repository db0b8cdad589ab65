"""Imports: parse → validate → (classify) → set-based upsert, with a batch that records provenance,
counts and what it replaced, and that can be undone. Every input row ends up inserted, updated,
unchanged or rejected with a reason.

This module holds the batch's lifecycle and the public entry points (create, submit, run, retry,
discard, reap); the per-kind writers are in `writers`, the undo in `undo`, the statistics refresh
after either in `refresh`, and the raw bulk writes in `core.bulk`."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.core.districts import file_vintage
from wenchuang.core.scope import Scope
from wenchuang.ingest import parsers
from wenchuang.ingest.errorfile import error_file_write
from wenchuang.ingest.errors import ImportError_
from wenchuang.ingest.models import ImportBatch, var_relative
from wenchuang.ingest.refresh import stats_refresh, touched_partitions
from wenchuang.ingest.schema import KINDS, Kind
from wenchuang.ingest.scope import import_scope
from wenchuang.ingest.validation import Context, Problem, rows_validator
from wenchuang.ingest.writers import WRITERS
from wenchuang.registry.models import District

__all__ = ["ImportError_"]  # the refusal callers catch as `services.ImportError_`

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

Progress = Callable[[int, int, str], None]


def max_upload_bytes() -> int:
    return int(getattr(settings, "WENCHUANG_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_problem(size: int) -> str | None:
    limit = max_upload_bytes()
    if size > limit:
        return f"文件大小{size / 1024 / 1024:.1f} MB超过上限{limit / 1024 / 1024:.0f} MB，请拆分后分批导入"
    return None


def import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_create(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user: Any = None,
    mode: str = "all-or-nothing",
    unit: str = "万元",
    store: bool = False,
) -> ImportBatch:
    """Record the upload as a pending batch (web: before the background job runs)."""
    if kind not in KINDS:
        raise ImportError_(f"未知的数据类型：{kind}（可用：{'、'.join(KINDS)}）")
    if mode not in ImportBatch.Mode.values:
        raise ImportError_(f"未知的导入方式：{mode}")
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=Path(file_name).name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mode=mode,
        unit=parsers.normalise_unit(unit),
        user=user if getattr(user, "pk", None) else None,
    )
    if store:
        path = import_dir() / f"batch-{batch.pk}.upload"
        path.write_bytes(data)
        batch.stored_path = var_relative(path)
        batch.save(update_fields=["stored_path"])
    return batch


def batch_submit(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user: Any,
    mode: str = "all-or-nothing",
    unit: str = "万元",
    channel: str,
) -> ImportBatch:
    """The one way an upload becomes a batch for the background worker (the web page and the API): the
    file stored, the upload audited, the job queued when the transaction commits. The CLI runs its
    file at once with `import_file`, audited the same way."""
    with transaction.atomic():
        batch = batch_create(
            kind=kind, data=data, file_name=file_name, user=user, mode=mode, unit=unit, store=True
        )
        _audit_upload(batch, user=user, channel=channel)
        transaction.on_commit(lambda: batch_enqueue(batch))
    return batch


def _audit_upload(batch: ImportBatch, *, user: Any, channel: str) -> None:
    audit_record(
        event="import",
        user=user if getattr(user, "pk", None) else None,
        obj=batch,
        detail={"channel": channel, "kind": batch.kind, "file": batch.file_name, "sha256": batch.sha256},
    )


def batch_enqueue(batch: ImportBatch) -> ImportBatch:
    """Hand the batch to the background worker and remember the job, whose fate the batch follows."""
    from wenchuang.ingest.tasks import import_batch_task

    result = import_batch_task.enqueue(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id), heartbeat_at=timezone.now())
    batch.task_id = str(result.id)
    return batch


def stale_minutes() -> int:
    return int(getattr(settings, "WENCHUANG_IMPORT_STALE_MINUTES", 30))


STALE_MESSAGE = (
    "后台导入任务已{minutes}分钟无进展（处理进程可能已退出或被终止），本批次已标记为失败，未写入任何数据；"
    "可重新导入或丢弃本批次"
)
WORKER_DIED_MESSAGE = "后台任务处理进程意外退出，本批次未写入任何数据；可重新导入或丢弃本批次"
TASK_FAILED_MESSAGE = "后台导入任务异常结束（{error}），本批次未写入任何数据；可重新导入或丢弃本批次"


def batches_reap(*, now: Any = None, worker_died: bool = False) -> int:
    """Fail the batches left 排队中/导入中 whose job failed or finished without them, or that showed no
    sign of life for `stale_minutes()` while running (worker killed). Returns how many were failed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    live = (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)
    batches = list(ImportBatch.objects.filter(status__in=live).exclude(task_id=""))
    # A worker known dead (its supervisor saw it exit) held every running batch: no need to wait.
    stale_cut = now if worker_died else now - timedelta(minutes=stale_minutes())
    running = list(ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING, heartbeat_at__lt=stale_cut))
    tasks = {
        str(t.id): t
        for t in DBTaskResult.objects.filter(id__in=[b.task_id for b in batches]).only(
            "id", "status", "exception_class_path"
        )
    }
    failed = 0
    for batch in batches:
        task = tasks.get(batch.task_id)
        if task is not None and task.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            error = (task.exception_class_path or "").rsplit(".", 1)[-1] or "任务已结束"
            failed += _fail_if_live(batch.pk, TASK_FAILED_MESSAGE.format(error=error))
    for batch in running:
        message = WORKER_DIED_MESSAGE if worker_died else STALE_MESSAGE.format(minutes=stale_minutes())
        if _fail_if_live(batch.pk, message):
            failed += 1
            if batch.task_id:
                DBTaskResult.objects.filter(id=batch.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=now
                )
    return failed


def _fail_if_live(pk: int, message: str) -> int:
    live = (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)
    n = ImportBatch.objects.filter(pk=pk, status__in=live).update(
        status=ImportBatch.Status.FAILED, message=message, finished_at=timezone.now()
    )
    if n:
        log.warning("import batch %s failed: %s", pk, message)
    return n


def _batch_for_action(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise ImportError_(f"批次#{batch_id}不存在")
    if batch.status not in (ImportBatch.Status.FAILED, ImportBatch.Status.REJECTED):
        raise ImportError_(
            f"批次#{batch_id}状态为“{batch.get_status_display()}”，只有失败或未写入的批次可以重新导入或丢弃"
        )
    return batch


def batch_retry(*, batch_id: int, user: Any = None) -> ImportBatch:
    """Run a failed (or rejected) batch again from its stored upload, as a fresh job."""
    with transaction.atomic():
        batch = _batch_for_action(batch_id)
        path = batch.upload_path
        if path is None or not path.is_file():
            raise ImportError_(f"批次#{batch_id}的上传文件已不存在，请重新上传")
        batch.status = ImportBatch.Status.PENDING
        batch.message = ""
        batch.finished_at = None
        batch.total = batch.processed = batch.inserted = batch.updated = batch.unchanged = batch.rejected = 0
        batch.error_file = ""
        batch.save()
        audit_record(
            event="data_change",
            user=user,
            object_type="import_batch",
            object_id=str(batch.pk),
            detail={"action": "import_retry"},
        )
        transaction.on_commit(lambda: batch_enqueue(batch))
    return batch


def batch_discard(*, batch_id: int, user: Any = None) -> ImportBatch:
    """Give up a failed (or rejected) batch: its upload and rejected-rows workbook are deleted."""
    with transaction.atomic():
        batch = _batch_for_action(batch_id)
        for path in (batch.upload_path, batch.error_path):
            if path is not None and path.is_file():
                path.unlink()
        batch.status = ImportBatch.Status.DISCARDED
        batch.message = "已丢弃"
        batch.stored_path = batch.error_file = ""
        batch.save()
        audit_record(
            event="data_change",
            user=user,
            object_type="import_batch",
            object_id=str(batch.pk),
            detail={"action": "import_discard"},
        )
    return batch


def import_file(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user: Any = None,
    mode: str = "all-or-nothing",
    unit: str = "万元",
    progress: Progress | None = None,
    recompute: bool = True,
    channel: str = "cli",
) -> ImportBatch:
    """Create a batch and run it now (CLI, tests, benchmark); the upload is audited like the others."""
    try:
        batch = batch_create(kind=kind, data=data, file_name=file_name, user=user, mode=mode, unit=unit)
    except parsers.FileProblem as exc:
        raise ImportError_(str(exc)) from exc
    _audit_upload(batch, user=user, channel=channel)
    return batch_run(batch=batch, data=data, progress=progress, recompute=recompute)


def _finish(batch: ImportBatch, status: str, message: str = "") -> ImportBatch:
    batch.status = status
    batch.message = message
    batch.finished_at = batch.heartbeat_at = timezone.now()
    if status in (ImportBatch.Status.DONE, ImportBatch.Status.REJECTED):
        batch.processed = batch.total
    batch.save()
    return batch


def _context(
    kind: Kind, mapping: parsers.Mapping, table: parsers.Table, scope: Scope | None = None
) -> Context:
    city = settings.WENCHUANG_REGION_CODE
    districts = list(District.objects.values_list("code", "name", "pk"))
    return Context(
        scope=scope,
        city_code=city,
        districts={c: pk for c, _, pk in districts},
        district_names={n: pk for _, n, pk in districts if n and not n.endswith("市辖区")},
        years=data_years(),
        units=mapping.units,
        formulas=table.formulas,
        positions=mapping.positions,
        labels=mapping.labels,
        industry_names=_industry_names() if kind.code == "registration" else {},
    )


def _industry_names() -> dict[str, str]:
    """GB/T 4754-2017 name → code, for files that give the industry by name: 门类 (a letter) and 大类
    (2 digits) from the reference file, 小类 (4 digits) as far as the culture mapping names them."""
    import csv

    from wenchuang.classify.models import GbtIndustryMapping

    path = Path(settings.DATA_DIR) / "reference" / "gbt-4754-2017-sections-divisions.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        names = {r["name"]: r["code"] for r in csv.DictReader(fh)}
    names.update(GbtIndustryMapping.objects.values_list("gbt_name", "gbt_code"))
    return names


def data_years() -> tuple[int, int]:
    """Years an import may carry: from five years before the default plan's base year to its end
    year (history for trends; the plan period itself). Without a plan: 2015 to this year."""
    from wenchuang.plan.selectors import plan_default

    plan = plan_default()
    if plan is None:
        return 2015, timezone.now().year
    return plan.base_year - 5, max(plan.end_year, timezone.now().year)


INTERNAL_ERROR = (
    "导入时发生内部错误（{error}），本批次未写入任何数据；可重新导入或丢弃本批次，如仍失败请联系管理员"
)


def batch_run(
    *,
    batch: ImportBatch,
    data: bytes | None = None,
    progress: Progress | None = None,
    recompute: bool = True,
    recompute_later: bool = False,
) -> ImportBatch:
    """Run a batch; whatever happens, it ends 已完成, 未写入 or 失败 with a Chinese message (never stays
    导入中): an unexpected error fails the batch, and the write and the 已完成 state commit together."""
    try:
        return _batch_run(
            batch=batch, data=data, progress=progress, recompute=recompute, recompute_later=recompute_later
        )
    except Exception as exc:
        log.exception("import batch %s failed", batch.pk)
        batch.refresh_from_db()
        if batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
            return _finish(batch, ImportBatch.Status.FAILED, INTERNAL_ERROR.format(error=type(exc).__name__))
        return batch


def _batch_run(
    *,
    batch: ImportBatch,
    data: bytes | None = None,
    progress: Progress | None = None,
    recompute: bool = True,
    recompute_later: bool = False,
) -> ImportBatch:
    if data is None:
        path = batch.upload_path
        if path is None or not path.is_file():
            return _finish(batch, ImportBatch.Status.FAILED, "上传文件已不存在，请重新上传")
        data = path.read_bytes()
    kind = KINDS[batch.kind]
    batch.status = ImportBatch.Status.RUNNING
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "heartbeat_at"])
    problem = size_problem(len(data))
    if problem:
        return _finish(batch, ImportBatch.Status.FAILED, problem)
    try:
        table = parsers.read_table(data, batch.file_name, kind)
        mapping = parsers.map_columns(table, kind, default_unit=batch.unit)
    except parsers.FileProblem as exc:
        return _finish(batch, ImportBatch.Status.FAILED, str(exc))
    batch.total = len(table.rows)
    batch.report = {"ignored_columns": mapping.notes}
    batch.save(update_fields=["total", "report"])

    def tick(done: int, phase: str) -> None:
        if progress:
            progress(done, batch.total, phase)
        batch.processed = done
        ImportBatch.objects.filter(pk=batch.pk).update(processed=done, heartbeat_at=timezone.now())

    scope = import_scope(batch.user)
    ctx = _context(kind, mapping, table, scope)
    if "district" in mapping.positions:
        pos = mapping.positions["district"]
        ctx.district_vintage = file_vintage(v[pos] if pos < len(v) else "" for _, v in table.rows)
    validate = rows_validator(kind, ctx)
    good: list[tuple[int, dict[str, Any]]] = []
    bad: dict[int, list[Problem]] = {}
    for start in range(0, len(table.rows), PROGRESS_EVERY):
        part_good, part_bad = validate(table.rows[start : start + PROGRESS_EVERY])
        good += part_good
        bad.update(part_bad)
        tick(min(start + PROGRESS_EVERY, batch.total), "校验")
    good = _reject_duplicates(kind, good, bad, ctx)
    writer = WRITERS[kind.code]
    good = writer.resolve(good, bad, scope)
    tick(batch.total, "校验")
    if kind.code == "registration":
        batch.report["district_mapped"] = sum(1 for _, o in good if o.get("district_original"))
        batch.report["district_review"] = [r for r, o in good if o.get("district_review")]
    rejected = len(bad)
    batch.rejected = rejected
    if rejected:
        batch.error_file = var_relative(
            error_file_write(batch=batch, table=table, kind=kind, bad=bad, mapping=mapping)
        )
    if rejected and batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
        batch.unchanged = batch.inserted = batch.updated = 0
        return _finish(
            batch,
            ImportBatch.Status.REJECTED,
            f"{rejected}行有错误，按“全部成功才写入”方式未写入任何数据；请按错误行文件修改后重新导入",
        )
    if progress:
        progress(batch.total, batch.total, "写入")
    try:
        with transaction.atomic():
            counts = writer.write(batch, good, set(mapping.positions))
            # The 已完成 state commits with the data: a worker killed before the commit leaves neither.
            batch.inserted, batch.updated, batch.unchanged = (
                counts["inserted"],
                counts["updated"],
                counts["unchanged"],
            )
            batch.years = sorted(counts.get("years", []))
            batch.classification = counts.get("classification", {})
            assert batch.inserted + batch.updated + batch.unchanged + batch.rejected == batch.total
            msg = f"{rejected}行有错误未写入，见错误行文件" if rejected else ""
            _finish(batch, ImportBatch.Status.DONE, msg)
    except IntegrityError:
        # rows read as absent were committed by another import meanwhile (new rows go in without
        # ON CONFLICT); the transaction rolled back, so nothing of this batch was written
        log.warning("import batch %s collided with a concurrent write", batch.pk, exc_info=True)
        return _finish(
            batch,
            ImportBatch.Status.FAILED,
            "导入期间其他批次写入了相同的企业或年度数据，本批次未写入任何数据；请重新导入",
        )
    if recompute and (batch.inserted or batch.updated):
        stats_refresh(batch, touched_partitions(batch), later=recompute_later)
    return batch


def _reject_duplicates(
    kind: Kind,
    good: list[tuple[int, dict[str, Any]]],
    bad: dict[int, list[Problem]],
    ctx: Context | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """Rows that repeat the file's key (a USCC; a USCC and year) are all held back: nothing in the file
    says which of them is right, and keeping the first or the last would silently drop the other. Each
    gets a message naming every row of its group, with the repeated value in the value cell."""
    if len(kind.key) == 1:
        k = kind.key[0]
        keys: list[Any] = [out.get(k, "") for _, out in good]
    else:
        keys = [tuple(out.get(k, "") for k in kind.key) for _, out in good]
    if len(set(keys)) == len(keys):
        return good  # the usual file: no key twice, nothing to group
    by_key: dict[Any, list[int]] = defaultdict(list)
    for (rowno, _out), key in zip(good, keys, strict=True):
        by_key[key].append(rowno)
    dups = {r: (rows, key) for key, rows in by_key.items() if len(rows) > 1 for r in rows}
    label = "+".join(ctx.label(k, kind.column(k).zh) if ctx else kind.column(k).zh for k in kind.key)
    for rowno, (rows, key) in dups.items():
        # At most five rows named: listing all n copies in each of n messages is O(n²).
        shown = [r for r in rows[:6] if r != rowno][:5]
        more = f"等，共{len(rows)}行" if len(rows) > len(shown) + 1 else ""
        group = "、".join(map(str, sorted({rowno, *shown}))) + more
        value = "+".join(map(str, key)) if isinstance(key, tuple) else str(key)
        bad[rowno] = [
            Problem(
                kind.key[0],
                value,
                f"{label}“{value}”在文件中重复（另见第{'、'.join(map(str, shown))}行{more}）：第{group}行"
                "都未写入（无法判断哪一行准确），请核对后只保留一行",
            )
        ]
    return [(r, o) for r, o in good if r not in dups]
