"""Imports: parse → validate → (classify) → set-based upsert, with a batch that records provenance,
counts and what it replaced, and that can be undone. Every input row ends up inserted, updated,
unchanged or rejected with a reason."""

from __future__ import annotations

import abc
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeAlias

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Lookup, Model, QuerySet
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.approval.selectors import LockedError, assert_unlocked_rows, locked_district_years
from wenchuang.classify import classifier
from wenchuang.classify.models import ClassificationDecision
from wenchuang.core.districts import file_vintage
from wenchuang.core.errors import DomainError
from wenchuang.core.scope import Scope
from wenchuang.ingest import parsers, sqlwrite
from wenchuang.ingest.errorfile import error_file_write
from wenchuang.ingest.models import (
    AnnualSource,
    BatchChange,
    EnterpriseRegistration,
    ImportBatch,
    OfficialSource,
    SocialInsuranceYear,
    TaxYear,
    var_relative,
)
from wenchuang.ingest.schema import KINDS, Kind
from wenchuang.ingest.scope import import_scope
from wenchuang.ingest.validation import Context, Problem, rows_validator
from wenchuang.registry.models import ENTERPRISE_YEAR_FACTS, District, Enterprise, EnterpriseYear

log = logging.getLogger(__name__)
CHUNK = 5000
PROGRESS_EVERY = 5000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

Progress = Callable[[int, int, str], None]
# The per-(enterprise, year) fact tables an EnterpriseFactsWriter writes and an undo restores.
FactModel: TypeAlias = type[EnterpriseYear] | type[TaxYear] | type[SocialInsuranceYear]


class ImportError_(DomainError, ValueError):
    pass


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
) -> ImportBatch:
    """Create a batch and run it now (CLI, tests, benchmark)."""
    try:
        batch = batch_create(kind=kind, data=data, file_name=file_name, user=user, mode=mode, unit=unit)
    except parsers.FileProblem as exc:
        raise ImportError_(str(exc)) from exc
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
    city = getattr(settings, "WENCHUANG_CITY_CODE", "330100")
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
    *, batch: ImportBatch, data: bytes | None = None, progress: Progress | None = None, recompute: bool = True
) -> ImportBatch:
    """Run a batch; whatever happens, it ends 已完成, 未写入 or 失败 with a Chinese message (never stays
    导入中): an unexpected error fails the batch, and the write and the 已完成 state commit together."""
    try:
        return _batch_run(batch=batch, data=data, progress=progress, recompute=recompute)
    except Exception as exc:
        log.exception("import batch %s failed", batch.pk)
        batch.refresh_from_db()
        if batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
            return _finish(batch, ImportBatch.Status.FAILED, INTERNAL_ERROR.format(error=type(exc).__name__))
        return batch


def _batch_run(
    *, batch: ImportBatch, data: bytes | None = None, progress: Progress | None = None, recompute: bool = True
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
        _recompute(batch)
    return batch


def _recompute(batch: ImportBatch) -> None:
    """Refresh the statistics the import touched. A failure here must not undo the import: it is logged
    and `wenchuang stats recompute` repairs it."""
    if batch.kind not in ("registration", "annual"):
        return
    try:
        from wenchuang.stats.services import stats_recompute

        stats_recompute(years=batch.years or None)
    except Exception:  # the import stands; the rollup can be rebuilt on demand
        log.exception("stats_recompute after import batch %s failed", batch.pk)


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


# --- raw set-based helpers -----------------------------------------------------------------------


def _prep(model: type[Model], fields: Sequence[str], values: Sequence[Any]) -> list[Any]:
    return [
        sqlwrite._field(model, f).get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)
    ]


def _update_rows(
    model: type[Model], fields: Sequence[str], rows: Sequence[tuple[Any, Sequence[Any]]]
) -> None:
    """UPDATE … WHERE pk = %s for each (pk, values) — one executemany, no per-row save()."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    cols = ", ".join(f"{qn(sqlwrite._field(model, f).column)} = %s" for f in fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {cols} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    params = [[*_prep(model, fields, vals), pk] for pk, vals in rows]
    with connection.cursor() as cur:
        for start in range(0, len(params), CHUNK):
            cur.executemany(sql, params[start : start + CHUNK])


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


class _AnyOf(Lookup):
    """`column` ∈ keys with the keys as one parameter, so that nothing is adapted, expanded or planned
    per key (Django's `__in` prepares every value — seconds for a file's worth of keys). PostgreSQL:
    `= ANY(string_to_array(%s, E'\\n')::type[])` over the newline-joined keys (USCCs and integer ids
    never contain a newline); SQLite: `IN (SELECT value FROM json_each(%s))` over a JSON array. Used as
    an expression, not registered on any field."""

    lookup_name = "any_of"
    prepare_rhs = False  # the keys are already the column's values; see the docstring

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = self.rhs
        if connection.vendor == "postgresql":
            cast = self.lhs.output_field.cast_db_type(connection)
            sql = f"{lhs} = ANY(string_to_array(%s, E'\\n')::{cast}[])"
            return sql, [*lhs_params, "\n".join(map(str, keys))]
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 -- lhs is a quoted column
        return sql, [*lhs_params, json.dumps(keys)]


def _where_in(qs: QuerySet, field: str, keys: Sequence[Any]) -> list[QuerySet]:
    """`qs` restricted to `field` ∈ keys, as one query."""
    keys = list(keys)
    if not keys:
        return []
    qs = qs.order_by()  # the model's default ordering would only sort what goes into a dict
    return [qs.filter(_AnyOf(F(field), keys))]


def _enterprise_ids(usccs: Sequence[str], *, with_district: bool = False) -> dict[str, tuple[int, int]]:
    """uscc → (enterprise pk, district pk)."""
    out: dict[str, tuple[int, int]] = {}
    for qs in _where_in(Enterprise.objects.all(), "uscc", usccs):
        out.update((u, (pk, d)) for u, pk, d in qs.values_list("uscc", "pk", "district_id"))
    return out


# --- kinds ---------------------------------------------------------------------------------------


class Writer(abc.ABC):
    """One kind's write step; `resolve` may refine the validated rows, `write` must be provided."""

    def resolve(
        self,
        good: list[tuple[int, dict[str, Any]]],
        bad: dict[int, list[Problem]],
        scope: Scope | None = None,
    ) -> list[tuple[int, dict[str, Any]]]:
        return good

    @abc.abstractmethod
    def write(
        self, batch: ImportBatch, good: list[tuple[int, dict[str, Any]]], present: set[str]
    ) -> dict[str, Any]: ...


class EnterpriseFactsWriter(Writer):
    """Annual / tax / social: rows keyed by (enterprise, year); the enterprise must be registered (and,
    for a district office, in one of its districts)."""

    model: FactModel
    fields: tuple[str, ...]  # model field names, equal to schema keys
    defaults: dict[str, Any] = {}
    extra: dict[str, Any] = {}  # columns the file never sets, with the value a new row gets
    batch_path = "batch_id"
    target = ""

    def resolve(self, good, bad, scope=None):
        ids = _enterprise_ids(sorted({o["uscc"] for _, o in good}), with_district=scope is not None)
        # publication lock: rows in an approved (locked) district-year are refused
        locked = locked_district_years(years={o["year"] for _, o in good})
        kept = []
        for rowno, out in good:
            hit = ids.get(out["uscc"])
            if hit is None:
                bad[rowno] = [
                    Problem("uscc", out["uscc"], "该统一社会信用代码的企业尚未登记，请先导入工商登记")
                ]
            elif scope is not None and hit[1] not in scope.district_ids:
                bad[rowno] = [Problem("uscc", out["uscc"], scope.outside("该企业所在区县"))]
            elif (hit[1], out["year"]) in locked:
                bad[rowno] = [Problem("year", out["year"], locked[(hit[1], out["year"])])]
            else:
                out["enterprise_id"] = hit[0]
                kept.append((rowno, out))
        return kept

    def existing(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, tuple, int | None]]:
        """(enterprise id, year) → (pk, current values, provenance batch id)."""
        out = {}
        eids = sorted({e for e, _ in pairs})
        years = sorted({y for _, y in pairs})
        for qs in _where_in(self.model.objects.filter(year__in=years), "enterprise_id", eids):
            for row in qs.values_list("enterprise_id", "year", "pk", *self.fields, self.batch_path):
                out[(row[0], row[1])] = (row[2], tuple(row[3:-1]), row[-1])
        return out

    def write(self, batch, good, present):
        fields = [f for f in self.fields if f in present]
        idx = [self.fields.index(f) for f in fields]
        current = self.existing([(o["enterprise_id"], o["year"]) for _, o in good])
        base = {f: self.defaults.get(f) for f in self.fields}  # what a column the file lacks gets
        values = itemgetter(*self.fields)
        compared = itemgetter(*idx) if 0 < len(idx) < len(self.fields) else None
        rows, new_keys, changed, unchanged = [], [], [], 0
        for _, out in good:
            key = (out["enterprise_id"], out["year"])
            full = values({**base, **out})
            if len(self.fields) == 1:
                full = (full,)
            cur = current.get(key)
            if cur is None:
                new_keys.append(key)
            elif (compared(cur[1]) == compared(full)) if compared else (not idx or cur[1] == full):
                unchanged += 1
                continue
            else:
                changed.append(cur)
            rows.append((*key, *full))
        self.remember(batch, changed)
        self.upsert(batch, fields, rows, set(new_keys), changed)
        years = {o["year"] for _, o in good}
        return {"inserted": len(new_keys), "updated": len(changed), "unchanged": unchanged, "years": years}

    def remember(self, batch, changed):
        sqlwrite.insert(
            BatchChange,
            ("batch", "target", "object_id", "before"),
            [
                (
                    batch.pk,
                    self.target,
                    cur[0],
                    {
                        "fields": {f: _jsonable(v) for f, v in zip(self.fields, cur[1], strict=True)},
                        "batch": cur[2],
                    },
                )
                for cur in changed
            ],
        )

    def upsert(self, batch, fields, rows, new_keys, changed):
        """Tax / social: the batch pointer is a column of the fact row itself."""
        extra = tuple(self.extra.values())
        sqlwrite.upsert(
            self.model,
            ("enterprise_id", "year", *self.fields, *self.extra, "batch"),
            [(*r, *extra, batch.pk) for r in rows],
            conflict=("enterprise_id", "year"),
            update=(*fields, "batch"),
            compare=fields,
        )


class AnnualWriter(EnterpriseFactsWriter):
    model = EnterpriseYear
    target = "enterprise_year"
    # every fact but the two flags the statistics file does not carry (a new year gets them False)
    fields = tuple(f for f in ENTERPRISE_YEAR_FACTS if f not in ("is_listed", "is_leading"))
    extra = {"is_listed": False, "is_leading": False}
    defaults = {"is_above_scale": False}
    batch_path = "source__batch_id"

    def upsert(self, batch, fields, rows, new_keys, changed):
        """Facts first (new years straight in, replaced ones updated where they differ); then the
        provenance of every row written."""
        extra = tuple(self.extra.values())
        columns = ("enterprise_id", "year", *self.fields, *self.extra)
        new_rows = [(*r, *extra) for r in rows if (r[0], r[1]) in new_keys]
        ids = sqlwrite.insert_returning_pk(EnterpriseYear, columns, new_rows, key=("enterprise_id", "year"))
        sqlwrite.upsert(
            EnterpriseYear,
            columns,
            [(*r, *extra) for r in rows if (r[0], r[1]) not in new_keys],
            conflict=("enterprise_id", "year"),
            update=fields,
        )
        # a year inserted just now has no provenance row yet: plain insert; replaced ones are upserted
        sqlwrite.insert(AnnualSource, ("enterprise_year", "batch"), [(pk, batch.pk) for pk in ids])
        sqlwrite.upsert(
            AnnualSource,
            ("enterprise_year", "batch"),
            [(c[0], batch.pk) for c in changed],
            conflict=("enterprise_year",),
            update=("batch",),
            compare=(),
        )


class TaxWriter(EnterpriseFactsWriter):
    model = TaxYear
    target = "tax"
    fields = ("tax_paid", "credit_grade")
    defaults = {"credit_grade": ""}


class SocialWriter(EnterpriseFactsWriter):
    model = SocialInsuranceYear
    target = "social"
    fields = ("insured",)


REG_FIELDS = ("name", "gbt_code", "business_scope", "district_id", "founded_on", "status")
REG_DEFAULTS = {"business_scope": "", "founded_on": None, "status": Enterprise.Status.ACTIVE}
DETAIL_FIELDS = (
    "enterprise_type",
    "registered_address",
    "registered_capital",
    "capital_currency",
    "district_original",
    "district_note",
)
DETAIL_BLANK = ("", "", None, "", "", "")


def _detail(o: dict[str, Any]) -> tuple[Any, ...]:
    capital = o.get("capital") or (None, "")
    return (
        o.get("enterprise_type", ""),
        o.get("address", ""),
        capital[0],
        capital[1],
        o.get("district_original", ""),
        o.get("district_note", ""),
    )


ENTERPRISE_COLUMNS = ("uscc", *REG_FIELDS, "culture_category_id", "is_demo", "created_at", "updated_at")
DECISION_COLUMNS = (
    "enterprise_id",
    "category_id",
    "confidence",
    "reason",
    "method",
    "gbt_code",
    "scope_hash",
    "needs_review",
    "decided_at",
)


class RegistrationWriter(Writer):
    def write(self, batch, good, present):
        present = set(present)
        if "district" in present or "address" in present:
            present.add("district_id")
        if "address" in present:
            present.add("registered_address")
        if "capital" in present:
            present.update(("registered_capital", "capital_currency"))
        if "district" in present or "address" in present:
            present.update(("district_original", "district_note"))
        reg_fields = [f for f in REG_FIELDS if f in present]
        reg_idx = [REG_FIELDS.index(f) for f in reg_fields]
        det_fields = [f for f in DETAIL_FIELDS if f in present]
        det_idx = [DETAIL_FIELDS.index(f) for f in det_fields]
        usccs = [o["uscc"] for _, o in good]
        current: dict[str, tuple[int, tuple]] = {}
        for qs in _where_in(Enterprise.objects.all(), "uscc", usccs):
            for row in qs.values_list("uscc", "pk", *REG_FIELDS):
                current[row[0]] = (row[1], tuple(row[2:]))
        ids = [c[0] for c in current.values()]
        details: dict[int, tuple] = {}
        for qs in _where_in(EnterpriseRegistration.objects.all(), "enterprise_id", ids):
            for row in qs.values_list("enterprise_id", *DETAIL_FIELDS, "batch_id"):
                details[row[0]] = row[1:]

        mapping, rules, pks = _classifier_inputs()
        decide = _decider(mapping, rules, pks)
        now = timezone.now()
        new: list[dict[str, Any]] = []
        new_decisions: list[tuple[classifier.Decision, int | None, str]] = []
        new_rows: list[tuple] = []
        changed: list[tuple[int, tuple, tuple, dict[str, Any]]] = []
        changed_rows: list[tuple] = []
        unchanged = 0
        active = Enterprise.Status.ACTIVE
        for _, o in good:
            address = o.get("address", "")
            o["registered_address"] = address
            reg = (
                o["name"],
                o["gbt_code"],
                o.get("business_scope", ""),
                o["district_id"],
                o.get("founded_on"),
                o.get("status", active),
            )
            cur = current.get(o["uscc"])
            if cur is None:
                decided = decide(o["gbt_code"], reg[2])
                cat_id = decided[1]
                new.append(o)
                new_decisions.append(decided)
                new_rows.append((o["uscc"], *reg, cat_id, False, now, now))
                continue
            pk, cur_vals = cur
            det = details.get(pk)
            det_new = tuple(_detail(o)[i] for i in det_idx)
            det_old = tuple(det[i] for i in det_idx) if det else None
            if all(reg[i] == cur_vals[i] for i in reg_idx) and (
                det_old == det_new or (det_old is None and not any(v not in ("", None) for v in det_new))
            ):
                unchanged += 1
                continue
            changed.append((pk, cur_vals, det, o))
            # absent columns keep the stored value (the upsert only sets `reg_fields` anyway)
            changed_rows.append(
                (
                    o["uscc"],
                    *(reg[i] if i in reg_idx else cur_vals[i] for i in range(len(REG_FIELDS))),
                    None,
                    False,
                    now,
                    now,
                )
            )

        # what updates replace, before they replace it
        sqlwrite.insert(
            BatchChange,
            ("batch", "target", "object_id", "before"),
            [
                (
                    batch.pk,
                    "enterprise",
                    pk,
                    {
                        "fields": {f: _jsonable(v) for f, v in zip(REG_FIELDS, cur_vals, strict=True)},
                        "detail": (
                            {f: _jsonable(v) for f, v in zip(DETAIL_FIELDS, det[:-1], strict=True)}
                            if det
                            else None
                        ),
                        "batch": det[-1] if det else None,
                    },
                )
                for pk, cur_vals, det, _o in changed
            ],
        )
        # new enterprises go straight in with their category; changed ones are updated where they differ
        new_pks = sqlwrite.insert_returning_pk(Enterprise, ENTERPRISE_COLUMNS, new_rows, key=("uscc",))
        sqlwrite.upsert(
            Enterprise,
            ENTERPRISE_COLUMNS,
            changed_rows,
            conflict=("uscc",),
            update=(*reg_fields, "updated_at"),
            compare=reg_fields,
        )
        inserted = list(zip(new_pks, new, strict=True))
        # details of enterprises inserted just now cannot exist yet: plain insert
        sqlwrite.insert(
            EnterpriseRegistration,
            ("enterprise_id", *DETAIL_FIELDS, "batch"),
            [(pk, *_detail(o), batch.pk) for pk, o in inserted],
        )
        det_rows = []
        for pk, _, det, o in changed:
            kept = det[:-1] if det else DETAIL_BLANK
            given = _detail(o)
            values = [(given[i] if f in det_fields else kept[i]) for i, f in enumerate(DETAIL_FIELDS)]
            det_rows.append((pk, *values, batch.pk))
        sqlwrite.upsert(
            EnterpriseRegistration,
            ("enterprise_id", *DETAIL_FIELDS, "batch"),
            det_rows,
            conflict=("enterprise_id",),
            update=(*DETAIL_FIELDS, "batch"),
            compare=(),
        )
        decisions = []
        to_review = 0
        for (pk, o), (d, cat_id, h) in zip(inserted, new_decisions, strict=True):
            to_review += d.needs_review
            decisions.append(
                (pk, cat_id, d.confidence, d.reason, d.method, o["gbt_code"], h, d.needs_review, now)
            )
        sqlwrite.insert(ClassificationDecision, DECISION_COLUMNS, decisions)

        from wenchuang.classify.services import classification_apply

        reclass = [
            (pk, o.get("gbt_code", cur[1]), o.get("business_scope", cur[2])) for pk, cur, _, o in changed
        ]
        moved = classification_apply(enterprises=reclass, inputs=(mapping, rules, pks)) if reclass else {}
        to_review += moved.get("to_review", 0)
        years = (
            set(
                EnterpriseYear.objects.filter(enterprise_id__in=[c[0] for c in changed])
                .values_list("year", flat=True)
                .distinct()
            )
            if changed
            else set()
        )
        return {
            "inserted": len(new),
            "updated": len(changed),
            "unchanged": unchanged,
            "years": years,
            "classification": {
                "to_review": to_review,
                "moved": moved.get("moved", 0),
                "moves": moved.get("moves", {}),
            },
        }


def _decider(mapping, rules, pks):
    """classify() memoised per (GB/T code, business scope) for one import: a registration file repeats
    a few hundred code/scope pairs many thousand times. Returns (decision, category pk, scope hash)."""
    cache: dict[tuple[str, str], tuple[classifier.Decision, int | None, str]] = {}

    def decide(gbt: str, scope: str) -> tuple[classifier.Decision, int | None, str]:
        hit = cache.get((gbt, scope))
        if hit is None:
            d = classifier.classify(gbt, scope, mapping=mapping, rules=rules)
            hit = (d, pks.get(d.category_code) if d.category_code else None, classifier.scope_hash(scope))
            cache[(gbt, scope)] = hit
        return hit

    return decide


def _classifier_inputs():
    from wenchuang.classify.services import classifier_inputs

    return classifier_inputs()


class OfficialWriter(Writer):
    """Official aggregates go through the statistics engine's own entry service, one figure at a time
    (they are a handful of rows); provenance and the replaced values are kept here."""

    def resolve(self, good, bad, scope=None):
        from wenchuang.plan.models import Indicator
        from wenchuang.plan.schema import OFFICIAL_SERIES
        from wenchuang.stats.models import OfficialFigure

        codes = dict(District.objects.values_list("code", "pk"))
        city = getattr(settings, "WENCHUANG_CITY_CODE", "330100")
        valid = set(Indicator.objects.values_list("code", flat=True)) | set(OFFICIAL_SERIES)
        valid_text = "、".join(sorted(valid))
        reliabilities = {label: value for value, label in OfficialFigure.Reliability.choices}
        reliabilities.update({value: value for value in OfficialFigure.Reliability.values})
        kept = []
        for rowno, o in good:
            area = o.get("area", "")
            reliability = (o.get("reliability") or "").strip()
            if o["indicator"] not in valid:
                bad[rowno] = [
                    Problem("indicator", o["indicator"], f"指标代码{o['indicator']}未知，可用：{valid_text}")
                ]
            elif reliability and reliability not in reliabilities:
                bad[rowno] = [
                    Problem("reliability", reliability, "数据可靠性须为正式数、初步数或估算数（或留空）")
                ]
            elif area and area not in codes:
                bad[rowno] = [Problem("area", area, f"区划代码{area}不在本市（{city}）范围内")]
            elif scope is not None and codes.get(area) not in scope.district_ids:
                bad[rowno] = [Problem("area", area, scope.outside(f"区划代码{area or city}"))]
            else:
                o["reliability"] = reliabilities.get(reliability, OfficialFigure.Reliability.VERIFIED)
                kept.append((rowno, o))
        return kept

    def write(self, batch, good, present):
        from wenchuang.stats.models import OfficialFigure
        from wenchuang.stats.services import OfficialFigureError, official_figure_enter

        inserted = updated = unchanged = 0
        for rowno, o in good:
            area = o.get("area", "")
            area_kind = OfficialFigure.AreaKind.DISTRICT if area else OfficialFigure.AreaKind.CITY
            prev = OfficialFigure.objects.filter(
                plan_code="", code=o["indicator"], year=o["year"], area_kind=area_kind, area_code=area
            ).first()
            if prev and (prev.value, prev.unit, prev.source_document, prev.reliability) == (
                o["value"],
                o["unit"],
                o["source"],
                o["reliability"],
            ):
                unchanged += 1
                continue
            try:
                fig = official_figure_enter(
                    code=o["indicator"],
                    year=o["year"],
                    value=o["value"],
                    unit=o["unit"],
                    source_document=o["source"],
                    reliability=o["reliability"],
                    area_kind=area_kind,
                    area_code=area,
                    user=batch.user,
                )
            except OfficialFigureError as exc:  # validated already; kept for safety
                raise ImportError_(f"第{rowno}行：{exc}") from exc
            if prev:
                old_src = (
                    OfficialSource.objects.filter(figure_id=fig.pk).values_list("batch_id", flat=True).first()
                )
                BatchChange.objects.create(
                    batch=batch,
                    target="official",
                    object_id=fig.pk,
                    before={
                        "fields": {
                            "value": str(prev.value),
                            "unit": prev.unit,
                            "source_document": prev.source_document,
                            "reliability": prev.reliability,
                        },
                        "batch": old_src,
                    },
                )
                updated += 1
            else:
                inserted += 1
            OfficialSource.objects.update_or_create(figure_id=fig.pk, defaults={"batch": batch})
        return {"inserted": inserted, "updated": updated, "unchanged": unchanged}


WRITERS: dict[str, Writer] = {
    "registration": RegistrationWriter(),
    "annual": AnnualWriter(),
    "tax": TaxWriter(),
    "social": SocialWriter(),
    "official": OfficialWriter(),
}


# --- undo ----------------------------------------------------------------------------------------


class UndoRefused(ImportError_):
    pass


def batch_undo(*, batch_id: int, user: Any = None) -> ImportBatch:
    """Undo a completed batch: delete what it inserted and restore what it replaced. Refused when a later
    batch has since changed the same facts (undo that one first)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise UndoRefused(f"批次#{batch_id}不存在")
        if batch.status != ImportBatch.Status.DONE:
            raise UndoRefused(
                f"批次#{batch_id}状态为“{batch.get_status_display()}”，只有已完成的批次可以撤销"
            )
        later = set(
            BatchChange.objects.filter(before__batch=batch.pk, batch__status=ImportBatch.Status.DONE)
            .exclude(batch=batch)
            .values_list("batch_id", flat=True)
        )
        _refuse_later(later)
        changes = list(BatchChange.objects.filter(batch=batch))
        changed_ids = {c.object_id for c in changes}
        touched_years: set[int] = set()
        if batch.kind == "registration":
            _undo_registration(batch, changes, changed_ids)
        elif batch.kind == "annual":
            touched_years = _undo_facts(batch, changes, changed_ids, EnterpriseYear)
        elif batch.kind == "tax":
            _undo_facts(batch, changes, changed_ids, TaxYear)
        elif batch.kind == "social":
            _undo_facts(batch, changes, changed_ids, SocialInsuranceYear)
        else:
            _undo_official(batch, changes, changed_ids)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.message = (batch.message + "；" if batch.message else "") + "已撤销"
        batch.save()
    if batch.kind in ("registration", "annual"):
        batch.years = sorted(set(batch.years) | touched_years)
        _recompute(batch)
    return batch


def _refuse_later(later: set[int]) -> None:
    if later:
        ids = "、".join(f"#{b}" for b in sorted(later))
        raise UndoRefused(f"之后的批次{ids}又修改了本批次导入的数据，请先撤销这些批次")


def _undo_registration(batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int]) -> None:
    from django.db.models import ProtectedError

    from wenchuang.classify.services import classification_apply

    prov = dict(
        EnterpriseRegistration.objects.filter(enterprise_id__in=changed_ids).values_list(
            "enterprise_id", "batch_id"
        )
    )
    _refuse_later({b for b in prov.values() if b != batch.pk})
    inserted = list(
        EnterpriseRegistration.objects.filter(batch=batch)
        .exclude(enterprise_id__in=changed_ids)
        .values_list("enterprise_id", flat=True)
    )
    later: set[int] = set()
    for start in range(0, len(inserted), CHUNK):
        part = inserted[start : start + CHUNK]
        later |= set(
            AnnualSource.objects.filter(enterprise_year__enterprise_id__in=part).values_list(
                "batch_id", flat=True
            )
        )
        later |= set(TaxYear.objects.filter(enterprise_id__in=part).values_list("batch_id", flat=True))
        later |= set(
            SocialInsuranceYear.objects.filter(enterprise_id__in=part).values_list("batch_id", flat=True)
        )
    later = set(
        ImportBatch.objects.filter(pk__in=later, status=ImportBatch.Status.DONE).values_list("pk", flat=True)
    )
    _refuse_later(later)
    try:
        for start in range(0, len(inserted), CHUNK):
            part = inserted[start : start + CHUNK]
            EnterpriseRegistration.objects.filter(enterprise_id__in=part).delete()
            Enterprise.objects.filter(pk__in=part).delete()
    except ProtectedError as exc:
        raise UndoRefused("本批次新增的企业已被其他数据引用（如企业账号），无法撤销") from exc
    rows = []
    for c in changes:
        f = c.before["fields"]
        rows.append((c.object_id, tuple(_restore(Enterprise, k, f[k]) for k in REG_FIELDS)))
    _update_rows(Enterprise, REG_FIELDS, rows)
    gone = [c.object_id for c in changes if not c.before.get("detail")]
    EnterpriseRegistration.objects.filter(enterprise_id__in=gone).delete()
    EnterpriseRegistration.objects.bulk_create(
        [
            EnterpriseRegistration(
                enterprise_id=c.object_id, batch_id=c.before["batch"], **c.before["detail"]
            )
            for c in changes
            if c.before.get("detail")
        ],
        update_conflicts=True,
        unique_fields=["enterprise"],
        update_fields=[*DETAIL_FIELDS, "batch"],
    )
    if changes:
        classification_apply(
            enterprises=[
                (c.object_id, c.before["fields"]["gbt_code"], c.before["fields"]["business_scope"])
                for c in changes
            ]
        )


def _restore(model: type[Model], name: str, value: Any) -> Any:
    return sqlwrite._field(model, name).to_python(value) if value is not None else None


def _undo_facts(
    batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int], model: FactModel
) -> set[int]:
    annual = model is EnterpriseYear
    if annual:
        prov = dict(
            AnnualSource.objects.filter(enterprise_year_id__in=changed_ids).values_list(
                "enterprise_year_id", "batch_id"
            )
        )
        inserted = list(
            AnnualSource.objects.filter(batch=batch)
            .exclude(enterprise_year_id__in=changed_ids)
            .values_list("enterprise_year_id", flat=True)
        )
    else:
        assert not issubclass(model, EnterpriseYear)  # narrows to tax / social, whose rows carry `batch`
        prov = dict(model.objects.filter(pk__in=changed_ids).values_list("pk", "batch_id"))
        inserted = list(
            model.objects.filter(batch=batch).exclude(pk__in=changed_ids).values_list("pk", flat=True)
        )
    _refuse_later({b for b in prov.values() if b != batch.pk})
    touched = model.objects.filter(pk__in=[*inserted, *changed_ids]).values_list(
        "enterprise__district_id", "year"
    )
    try:  # publication lock: an undo must not change an approved district-year either
        assert_unlocked_rows(touched.distinct())
    except LockedError as exc:
        raise UndoRefused(exc.message) from exc
    years = set(
        model.objects.filter(pk__in=[*inserted, *changed_ids]).values_list("year", flat=True).distinct()
    )
    for start in range(0, len(inserted), CHUNK):
        part = inserted[start : start + CHUNK]
        if annual:
            AnnualSource.objects.filter(enterprise_year_id__in=part).delete()
        model.objects.filter(pk__in=part).delete()
    writer = WRITERS[batch.kind]
    fields = list(writer.fields)  # type: ignore[attr-defined]
    rows = [(c.object_id, tuple(_restore(model, k, c.before["fields"][k]) for k in fields)) for c in changes]
    if annual:
        _update_rows(model, fields, rows)
        AnnualSource.objects.filter(
            enterprise_year_id__in=[c.object_id for c in changes if not c.before["batch"]]
        ).delete()
        AnnualSource.objects.bulk_create(
            [
                AnnualSource(enterprise_year_id=c.object_id, batch_id=c.before["batch"])
                for c in changes
                if c.before["batch"]
            ],
            update_conflicts=True,
            unique_fields=["enterprise_year"],
            update_fields=["batch"],
        )
    else:
        _update_rows(
            model,
            [*fields, "batch"],
            [(pk, (*vals, c.before["batch"])) for (pk, vals), c in zip(rows, changes, strict=True)],
        )
    return years


def _undo_official(batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int]) -> None:
    from wenchuang.stats.models import OfficialFigure

    prov = dict(OfficialSource.objects.filter(figure_id__in=changed_ids).values_list("figure_id", "batch_id"))
    _refuse_later({b for b in prov.values() if b != batch.pk})
    inserted = list(
        OfficialSource.objects.filter(batch=batch)
        .exclude(figure_id__in=changed_ids)
        .values_list("figure_id", flat=True)
    )
    OfficialFigure.objects.filter(pk__in=inserted).delete()
    for c in changes:
        f = c.before["fields"]
        OfficialFigure.objects.filter(pk=c.object_id).update(
            value=Decimal(f["value"]),
            unit=f["unit"],
            source_document=f["source_document"],
            reliability=f.get("reliability", OfficialFigure.Reliability.VERIFIED),
        )
        if c.before["batch"]:
            OfficialSource.objects.filter(figure_id=c.object_id).update(batch_id=c.before["batch"])
        else:
            OfficialSource.objects.filter(figure_id=c.object_id).delete()
