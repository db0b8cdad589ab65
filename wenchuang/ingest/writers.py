"""The per-kind write step of an import: a `Writer` per kind (registration, annual, tax, social,
official) that refines the validated rows against the database (`resolve`: registered? in scope?
locked?) and writes them set-based through `core.bulk` (`write`), remembering what it replaced in
`BatchChange` rows so that the batch can be undone."""

from __future__ import annotations

import abc
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, TypeAlias

from django.conf import settings
from django.db.models import F, Lookup, QuerySet
from django.utils import timezone

from wenchuang.approval.selectors import locked_district_years
from wenchuang.classify import classifier
from wenchuang.classify.models import ClassificationDecision
from wenchuang.core import bulk
from wenchuang.core.scope import Scope
from wenchuang.ingest.errors import ImportError_
from wenchuang.ingest.models import (
    AnnualSource,
    BatchChange,
    EnterpriseRegistration,
    ImportBatch,
    OfficialSource,
    SocialInsuranceYear,
    TaxYear,
)
from wenchuang.ingest.validation import Problem
from wenchuang.registry.models import ENTERPRISE_YEAR_FACTS, District, Enterprise, EnterpriseYear

# The per-(enterprise, year) fact tables an EnterpriseFactsWriter writes and an undo restores.
FactModel: TypeAlias = type[EnterpriseYear] | type[TaxYear] | type[SocialInsuranceYear]


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
        bulk.insert(
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
        bulk.upsert(
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
        ids = bulk.insert_returning_pk(EnterpriseYear, columns, new_rows, key=("enterprise_id", "year"))
        bulk.upsert(
            EnterpriseYear,
            columns,
            [(*r, *extra) for r in rows if (r[0], r[1]) not in new_keys],
            conflict=("enterprise_id", "year"),
            update=fields,
        )
        # a year inserted just now has no provenance row yet: plain insert; replaced ones are upserted
        bulk.insert(AnnualSource, ("enterprise_year", "batch"), [(pk, batch.pk) for pk in ids])
        bulk.upsert(
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


def locked_moves(moves: dict[Any, tuple[int, int, int]]) -> dict[Any, str]:
    """Publication lock on moves: {key: (enterprise id, district before, district after)} → {key: refusal}
    for each move that would change an approved (locked) district-year — every year the enterprise has
    annual data for is counted in the district it is registered in now, so moving it changes those
    years in the district it leaves and in the one it joins. Three queries, whatever the number."""
    moves = {k: m for k, m in moves.items() if m[1] != m[2]}
    if not moves:
        return {}
    years: dict[int, set[int]] = defaultdict(set)
    moved = sorted({m[0] for m in moves.values()})
    for qs in _where_in(EnterpriseYear.objects.all(), "enterprise_id", moved):
        for eid, year in qs.values_list("enterprise_id", "year"):
            years[eid].add(year)
    locked = locked_district_years(years={y for ys in years.values() for y in ys})
    if not locked:
        return {}
    names = dict(District.objects.values_list("pk", "name"))
    out = {}
    for key, (eid, before, after) in moves.items():
        hit = next(((d, y) for y in sorted(years[eid]) for d in (before, after) if (d, y) in locked), None)
        if hit is not None:
            out[key] = (
                f"该企业由{names.get(before, '')}迁入{names.get(after, '')}，会改变已审核锁定的年度数据："
                + locked[hit]
            )
    return out


class RegistrationWriter(Writer):
    def resolve(self, good, bad, scope=None):
        """A row that moves a registered enterprise out of or into a locked district-year is refused
        (`locked_moves`); the city reopens the district-year first."""
        current = _enterprise_ids(sorted({o["uscc"] for _, o in good}))
        refused = locked_moves(
            {
                rowno: (current[o["uscc"]][0], current[o["uscc"]][1], o["district_id"])
                for rowno, o in good
                if o["uscc"] in current and o.get("district_id") is not None
            }
        )
        for rowno, o in good:
            if rowno in refused:
                bad[rowno] = [Problem("district", o.get("district", ""), refused[rowno])]
        return [(r, o) for r, o in good if r not in refused]

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
        bulk.insert(
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
        new_pks = bulk.insert_returning_pk(Enterprise, ENTERPRISE_COLUMNS, new_rows, key=("uscc",))
        bulk.upsert(
            Enterprise,
            ENTERPRISE_COLUMNS,
            changed_rows,
            conflict=("uscc",),
            update=(*reg_fields, "updated_at"),
            compare=reg_fields,
        )
        inserted = list(zip(new_pks, new, strict=True))
        # details of enterprises inserted just now cannot exist yet: plain insert
        bulk.insert(
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
        bulk.upsert(
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
        bulk.insert(ClassificationDecision, DECISION_COLUMNS, decisions)

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
