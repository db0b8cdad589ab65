"""Imports: parse → validate → (classify) → set-based upsert, with a batch that records provenance,
counts and what it replaced, and that can be undone. Every input row ends up inserted, updated,
unchanged or rejected with a reason."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from wenchuang.classify import classifier
from wenchuang.classify.models import ClassificationDecision
from wenchuang.ingest import parsers
from wenchuang.ingest.errorfile import error_file_write
from wenchuang.ingest.models import (
    AnnualSource,
    BatchChange,
    EnterpriseRegistration,
    ImportBatch,
    OfficialSource,
    SocialInsuranceYear,
    TaxYear,
)
from wenchuang.ingest.schema import KINDS, Kind
from wenchuang.ingest.validation import Context, Problem, validate_row
from wenchuang.registry.models import District, Enterprise, EnterpriseYear

log = logging.getLogger(__name__)
CHUNK = 5000
PROGRESS_EVERY = 5000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

Progress = Callable[[int, int, str], None]


class ImportError_(ValueError):
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
        batch.stored_path = str(path)
        batch.save(update_fields=["stored_path"])
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
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _context(kind: Kind, mapping: parsers.Mapping, table: parsers.Table) -> Context:
    city = getattr(settings, "WENCHUANG_CITY_CODE", "330100")
    districts = list(District.objects.values_list("code", "name", "pk"))
    return Context(
        city_code=city,
        districts={c: pk for c, _, pk in districts},
        district_names={n: pk for _, n, pk in districts if n and not n.endswith("市辖区")},
        years=data_years(),
        units=mapping.units,
        formulas=table.formulas,
        positions=mapping.positions,
    )


def data_years() -> tuple[int, int]:
    """Years an import may carry: from five years before the default plan's base year to its end
    year (history for trends; the plan period itself). Without a plan: 2015 to this year."""
    from wenchuang.plan.selectors import plan_default

    plan = plan_default()
    if plan is None:
        return 2015, timezone.now().year
    return plan.base_year - 5, max(plan.end_year, timezone.now().year)


def batch_run(
    *, batch: ImportBatch, data: bytes | None = None, progress: Progress | None = None, recompute: bool = True
) -> ImportBatch:
    if data is None:
        data = Path(batch.stored_path).read_bytes()
    kind = KINDS[batch.kind]
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    problem = size_problem(len(data))
    if problem:
        return _finish(batch, ImportBatch.Status.FAILED, problem)
    try:
        table = parsers.read_table(data, batch.file_name, kind)
        mapping = parsers.map_columns(table, kind, default_unit=batch.unit)
    except parsers.FileProblem as exc:
        return _finish(batch, ImportBatch.Status.FAILED, str(exc))
    batch.total = len(table.rows)
    batch.save(update_fields=["total"])

    def tick(done: int, phase: str) -> None:
        if progress:
            progress(done, batch.total, phase)
        ImportBatch.objects.filter(pk=batch.pk).update(processed=done)

    ctx = _context(kind, mapping, table)
    good: list[tuple[int, dict[str, Any]]] = []
    bad: dict[int, list[Problem]] = {}
    for i, (rowno, cells, _raw) in enumerate(parsers.iter_cells(table, mapping), start=1):
        out, problems = validate_row(kind, rowno, cells, ctx)
        if problems:
            bad[rowno] = problems
        else:
            good.append((rowno, out))
        if i % PROGRESS_EVERY == 0:
            tick(i, "校验")
    good = _reject_duplicates(kind, good, bad)
    writer = WRITERS[kind.code]
    good = writer.resolve(good, bad)
    tick(batch.total, "校验")
    rejected = len(bad)
    batch.rejected = rejected
    if rejected:
        batch.error_file = str(
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
    with transaction.atomic():
        counts = writer.write(batch, good, set(mapping.positions))
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
    kind: Kind, good: list[tuple[int, dict[str, Any]]], bad: dict[int, list[Problem]]
) -> list[tuple[int, dict[str, Any]]]:
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for rowno, out in good:
        by_key[tuple(out.get(k, "") for k in kind.key)].append(rowno)
    dups = {r: rows for rows in by_key.values() if len(rows) > 1 for r in rows}
    if not dups:
        return good
    label = "+".join(kind.column(k).zh for k in kind.key)
    for rowno, rows in dups.items():
        others = "、".join(str(r) for r in rows if r != rowno)
        key = kind.key[0]
        bad[rowno] = [Problem(key, "", f"{label}在文件中重复（另见第{others}行），请只保留一行")]
    return [(r, o) for r, o in good if r not in dups]


# --- raw set-based helpers -----------------------------------------------------------------------


def _prep(model: type[Model], fields: Sequence[str], values: Sequence[Any]) -> list[Any]:
    return [
        model._meta.get_field(f).get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)
    ]


def _update_rows(
    model: type[Model], fields: Sequence[str], rows: Sequence[tuple[Any, Sequence[Any]]]
) -> None:
    """UPDATE … WHERE pk = %s for each (pk, values) — one executemany, no per-row save()."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    cols = ", ".join(f"{qn(meta.get_field(f).column)} = %s" for f in fields)
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


def _enterprise_ids(usccs: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(usccs), CHUNK):
        out.update(Enterprise.objects.filter(uscc__in=usccs[start : start + CHUNK]).values_list("uscc", "pk"))
    return out


# --- kinds ---------------------------------------------------------------------------------------


class Writer:
    def resolve(
        self, good: list[tuple[int, dict[str, Any]]], bad: dict[int, list[Problem]]
    ) -> list[tuple[int, dict[str, Any]]]:
        return good

    def write(
        self, batch: ImportBatch, good: list[tuple[int, dict[str, Any]]], present: set[str]
    ) -> dict[str, Any]:
        raise NotImplementedError


class EnterpriseFactsWriter(Writer):
    """Annual / tax / social: rows keyed by (enterprise, year); the enterprise must be registered."""

    model: type[Model]
    fields: tuple[str, ...]  # model field names, equal to schema keys
    defaults: dict[str, Any] = {}

    def resolve(self, good, bad):
        ids = _enterprise_ids(sorted({o["uscc"] for _, o in good}))
        kept = []
        for rowno, out in good:
            eid = ids.get(out["uscc"])
            if eid is None:
                bad[rowno] = [
                    Problem("uscc", out["uscc"], "该统一社会信用代码的企业尚未登记，请先导入工商登记")
                ]
            else:
                out["enterprise_id"] = eid
                kept.append((rowno, out))
        return kept

    def existing(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, tuple, int | None]]:
        """(enterprise id, year) → (pk, current values, provenance batch id)."""
        out = {}
        eids = sorted({e for e, _ in pairs})
        years = sorted({y for _, y in pairs})
        for start in range(0, len(eids), CHUNK):
            qs = self.model.objects.filter(enterprise_id__in=eids[start : start + CHUNK], year__in=years)
            for row in qs.values_list("enterprise_id", "year", "pk", *self.fields, self.batch_path):
                out[(row[0], row[1])] = (row[2], tuple(row[3:-1]), row[-1])
        return out

    batch_path = "batch_id"

    def write(self, batch, good, present):
        fields = [f for f in self.fields if f in present]
        idx = [self.fields.index(f) for f in fields]
        current = self.existing([(o["enterprise_id"], o["year"]) for _, o in good])
        new, changed, unchanged = [], [], 0
        for _, out in good:
            key = (out["enterprise_id"], out["year"])
            values = tuple(out.get(f, self.defaults.get(f)) for f in fields)
            cur = current.get(key)
            if cur is None:
                new.append(out)
            elif tuple(cur[1][i] for i in idx) == values:
                unchanged += 1
            else:
                changed.append((cur, values))
        self.insert(batch, new)
        self.update(batch, fields, changed)
        years = {o["year"] for _, o in good}
        return {"inserted": len(new), "updated": len(changed), "unchanged": unchanged, "years": years}

    def insert(self, batch, new):
        objs = [
            self.model(
                enterprise_id=o["enterprise_id"],
                year=o["year"],
                batch=batch,
                **{f: o.get(f, self.defaults.get(f)) for f in self.fields},
            )
            for o in new
        ]
        self.model.objects.bulk_create(objs, batch_size=CHUNK)

    def update(self, batch, fields, changed):
        BatchChange.objects.bulk_create(
            [
                BatchChange(
                    batch=batch,
                    target=self.target,
                    object_id=cur[0],
                    before={
                        "fields": {f: _jsonable(v) for f, v in zip(self.fields, cur[1], strict=True)},
                        "batch": cur[2],
                    },
                )
                for cur, _ in changed
            ],
            batch_size=CHUNK,
        )
        _update_rows(self.model, [*fields, "batch"], [(cur[0], (*vals, batch.pk)) for cur, vals in changed])

    target = ""


class AnnualWriter(EnterpriseFactsWriter):
    model = EnterpriseYear
    target = "enterprise_year"
    fields = (
        "revenue",
        "labor_compensation",
        "net_production_tax",
        "depreciation",
        "operating_surplus",
        "total_output",
        "employees",
        "exports",
        "is_above_scale",
    )
    defaults = {"is_above_scale": False}
    batch_path = "source__batch_id"

    def insert(self, batch, new):
        objs = [
            EnterpriseYear(
                enterprise_id=o["enterprise_id"],
                year=o["year"],
                **{f: o.get(f, self.defaults.get(f)) for f in self.fields},
            )
            for o in new
        ]
        created = EnterpriseYear.objects.bulk_create(objs, batch_size=CHUNK)
        AnnualSource.objects.bulk_create(
            [AnnualSource(enterprise_year_id=o.pk, batch=batch) for o in created], batch_size=CHUNK
        )

    def update(self, batch, fields, changed):
        BatchChange.objects.bulk_create(
            [
                BatchChange(
                    batch=batch,
                    target=self.target,
                    object_id=cur[0],
                    before={
                        "fields": {f: _jsonable(v) for f, v in zip(self.fields, cur[1], strict=True)},
                        "batch": cur[2],
                    },
                )
                for cur, _ in changed
            ],
            batch_size=CHUNK,
        )
        _update_rows(EnterpriseYear, fields, [(cur[0], vals) for cur, vals in changed])
        AnnualSource.objects.bulk_create(
            [AnnualSource(enterprise_year_id=cur[0], batch=batch) for cur, _ in changed],
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=["enterprise_year"],
            update_fields=["batch"],
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
DETAIL_FIELDS = ("enterprise_type", "registered_address")


class RegistrationWriter(Writer):
    def write(self, batch, good, present):
        present = set(present)
        if "district" in present or "address" in present:
            present.add("district_id")
        if "address" in present:
            present.add("registered_address")
        reg_fields = [f for f in REG_FIELDS if f in present]
        det_fields = [f for f in DETAIL_FIELDS if f in present]
        usccs = [o["uscc"] for _, o in good]
        current: dict[str, tuple[int, tuple]] = {}
        for start in range(0, len(usccs), CHUNK):
            qs = Enterprise.objects.filter(uscc__in=usccs[start : start + CHUNK])
            for row in qs.values_list("uscc", "pk", *REG_FIELDS):
                current[row[0]] = (row[1], tuple(row[2:]))
        ids = [c[0] for c in current.values()]
        details: dict[int, tuple] = {}
        for start in range(0, len(ids), CHUNK):
            qs = EnterpriseRegistration.objects.filter(enterprise_id__in=ids[start : start + CHUNK])
            for row in qs.values_list("enterprise_id", *DETAIL_FIELDS, "batch_id"):
                details[row[0]] = row[1:]

        mapping, rules, pks = _classifier_inputs()
        now = timezone.now()
        new: list[dict[str, Any]] = []
        changed: list[tuple[int, tuple, tuple, dict[str, Any]]] = []
        unchanged = 0
        for _, o in good:
            o["registered_address"] = o.get("address", "")
            cur = current.get(o["uscc"])
            if cur is None:
                new.append(o)
                continue
            pk, cur_vals = cur
            det = details.get(pk)
            reg_new = tuple(o.get(f, REG_DEFAULTS.get(f, "")) for f in reg_fields)
            reg_old = tuple(cur_vals[REG_FIELDS.index(f)] for f in reg_fields)
            det_new = tuple(o.get(f, "") for f in det_fields)
            det_old = tuple(det[DETAIL_FIELDS.index(f)] for f in det_fields) if det else None
            if reg_new == reg_old and (det_old == det_new or (det_old is None and not any(det_new))):
                unchanged += 1
            else:
                changed.append((pk, cur_vals, det, o))

        # inserts: category decided before the insert so the enterprise row is written once
        objs, decisions = [], []
        for o in new:
            d = classifier.classify(o["gbt_code"], o.get("business_scope", ""), mapping=mapping, rules=rules)
            o["_decision"] = d
            objs.append(
                Enterprise(
                    uscc=o["uscc"],
                    name=o["name"],
                    gbt_code=o["gbt_code"],
                    business_scope=o.get("business_scope", ""),
                    district_id=o["district_id"],
                    founded_on=o.get("founded_on"),
                    status=o.get("status", Enterprise.Status.ACTIVE),
                    culture_category_id=pks.get(d.category_code) if d.category_code else None,
                )
            )
        created = Enterprise.objects.bulk_create(objs, batch_size=CHUNK)
        details_new = []
        for o, e in zip(new, created, strict=True):
            d = o["_decision"]
            decisions.append(
                ClassificationDecision(
                    enterprise_id=e.pk,
                    category_id=e.culture_category_id,
                    confidence=d.confidence,
                    reason=d.reason,
                    method=d.method,
                    gbt_code=o["gbt_code"],
                    scope_hash=classifier.scope_hash(o.get("business_scope", "")),
                    needs_review=d.needs_review,
                    decided_at=now,
                )
            )
            details_new.append(
                EnterpriseRegistration(
                    enterprise_id=e.pk,
                    enterprise_type=o.get("enterprise_type", ""),
                    registered_address=o.get("registered_address", ""),
                    batch=batch,
                )
            )
        EnterpriseRegistration.objects.bulk_create(details_new, batch_size=CHUNK)
        ClassificationDecision.objects.bulk_create(decisions, batch_size=CHUNK)

        # updates: remember what is replaced, then one executemany per table
        changes = []
        for pk, cur_vals, det, _o in changed:
            changes.append(
                BatchChange(
                    batch=batch,
                    target="enterprise",
                    object_id=pk,
                    before={
                        "fields": {f: _jsonable(v) for f, v in zip(REG_FIELDS, cur_vals, strict=True)},
                        "detail": dict(zip(DETAIL_FIELDS, det[:2], strict=True)) if det else None,
                        "batch": det[2] if det else None,
                    },
                )
            )
        BatchChange.objects.bulk_create(changes, batch_size=CHUNK)
        _update_rows(
            Enterprise,
            [*reg_fields, "updated_at"],
            [
                (pk, (*[o.get(f, REG_DEFAULTS.get(f, "")) for f in reg_fields], now))
                for pk, _, _, o in changed
            ],
        )
        EnterpriseRegistration.objects.bulk_create(
            [
                EnterpriseRegistration(
                    enterprise_id=pk,
                    batch=batch,
                    **{
                        f: (o.get(f, "") if f in det_fields else (det[DETAIL_FIELDS.index(f)] if det else ""))
                        for f in DETAIL_FIELDS
                    },
                )
                for pk, _, det, o in changed
            ],
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=[*DETAIL_FIELDS, "batch"],
        )
        from wenchuang.classify.services import classification_apply

        reclass = [
            (pk, o.get("gbt_code", cur[1]), o.get("business_scope", cur[2])) for pk, cur, _, o in changed
        ]
        moved = classification_apply(enterprises=reclass, inputs=(mapping, rules, pks)) if reclass else {}
        to_review = sum(1 for d in decisions if d.needs_review) + moved.get("to_review", 0)
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


def _classifier_inputs():
    from wenchuang.classify.services import classifier_inputs

    return classifier_inputs()


class OfficialWriter(Writer):
    """Official aggregates go through the statistics engine's own entry service, one figure at a time
    (they are a handful of rows); provenance and the replaced values are kept here."""

    def resolve(self, good, bad):
        codes = set(District.objects.values_list("code", flat=True))
        city = getattr(settings, "WENCHUANG_CITY_CODE", "330100")
        kept = []
        for rowno, o in good:
            area = o.get("area", "")
            if area and area not in codes:
                bad[rowno] = [Problem("area", area, f"区划代码{area}不在本市（{city}）范围内")]
            else:
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
            if prev and (prev.value, prev.unit, prev.source_document) == (o["value"], o["unit"], o["source"]):
                unchanged += 1
                continue
            try:
                fig = official_figure_enter(
                    code=o["indicator"],
                    year=o["year"],
                    value=o["value"],
                    unit=o["unit"],
                    source_document=o["source"],
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
    return model._meta.get_field(name).to_python(value) if value is not None else None


def _undo_facts(
    batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int], model: type[Model]
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
        prov = dict(model.objects.filter(pk__in=changed_ids).values_list("pk", "batch_id"))
        inserted = list(
            model.objects.filter(batch=batch).exclude(pk__in=changed_ids).values_list("pk", flat=True)
        )
    _refuse_later({b for b in prov.values() if b != batch.pk})
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
            value=Decimal(f["value"]), unit=f["unit"], source_document=f["source_document"]
        )
        if c.before["batch"]:
            OfficialSource.objects.filter(figure_id=c.object_id).update(batch_id=c.before["batch"])
        else:
            OfficialSource.objects.filter(figure_id=c.object_id).delete()
