"""Reads of the statistics engine. Dashboards, breakdowns, reports, the API and the CLI all read
through these; every figure comes with its "as of" (the refresh time of the cells it sums) and, for
value added, its coverage (share computed directly by the income approach vs estimated by rate).

Role scoping: each selector takes an optional `districts` restriction (district ids); None = whole
city. The accounts layer turns a user into that restriction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum

from wenchuang.classify.models import CultureCategory
from wenchuang.core.errors import DomainError
from wenchuang.stats import presenters, publication, valueadded
from wenchuang.stats.models import (
    FactCell,
    IndicatorSnapshot,
    IndicatorValue,
    Publication,
    PublishedPayload,
    PublishedValue,
    RollupYear,
    ValidationViolation,
)

# Sums read from the cells; value_added is derived (direct + estimated).
SUMMED = (
    "n_rows",
    "n_direct",
    "n_estimated",
    "n_unknown",
    "n_output_reported",
    "n_revenue",
    "n_employees",
    "n_listed",
    "n_leading",
    "n_listed_or_leading",
    "revenue",
    "employees",
    "exports",
    "total_output",
    "va_direct",
    "va_estimated",
    "revenue_missing",
)
# Plan-file measures → how they are read from the cells.
MEASURE_COLUMNS = {
    "revenue": "revenue",
    "employees": "employees",
    "exports": "exports",
    "total_output": "total_output",
}
# Filters of the plan file's formula language (plan.schema.FILTER_FIELDS["enterprise_year"]) that
# the cells can answer, and the cell field each maps to.
CELL_FILTERS = {
    "year": "year",
    "above_scale": "is_above_scale",
    "digital": "is_digital",
    "core": "is_core",
    "district": "district__code",
    "culture_code": "category_code",
}
# Count-only filters: the cells keep these as counts, not as a dimension.
COUNT_FILTERS = {"listed": "n_listed", "leading": "n_leading", "listed_or_leading": "n_listed_or_leading"}


class UnsupportedQuery(DomainError, ValueError):
    """A filter or measure the rollup cannot answer."""


def measure_value(sums: Mapping[str, Any], name: str) -> Decimal:
    """A plan measure from summed cells (value added = direct + estimated): the one reading of a
    measure every breakdown uses."""
    if name == "value_added":
        return Decimal(sums["va_direct"] or 0) + Decimal(sums["va_estimated"] or 0)
    if name in MEASURE_COLUMNS:
        return Decimal(sums[MEASURE_COLUMNS[name]] or 0)
    raise UnsupportedQuery(f"汇总表不支持度量 {name}（需按微观数据另行计算）")


@dataclass(frozen=True)
class Totals:
    """Sums over a set of cells, with value added, coverage and "as of"."""

    sums: Mapping[str, Any]
    as_of: datetime | None
    cells: int

    @property
    def value_added(self) -> Decimal:
        return Decimal(self.sums["va_direct"]) + Decimal(self.sums["va_estimated"])

    @property
    def va_coverage(self) -> float | None:
        return valueadded.coverage(Decimal(self.sums["va_direct"]), Decimal(self.sums["va_estimated"]))

    @property
    def output_coverage(self) -> float | None:
        n = self.sums["n_revenue"] or 0
        return None if not self.sums["n_rows"] else min(1.0, self.sums["n_output_reported"] / max(n, 1))

    def measure(self, name: str) -> Decimal:
        return measure_value(self.sums, name)

    def coverage_for(self, name: str) -> float | None:
        if name == "value_added":
            return self.va_coverage
        if name == "total_output":
            return self.output_coverage
        return None


def cells(
    *,
    year: int | Iterable[int] | None = None,
    districts: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    area: Q | None = None,
) -> QuerySet[FactCell]:
    qs = FactCell.objects.all()
    if year is not None:
        qs = qs.filter(year=year) if isinstance(year, int) else qs.filter(year__in=list(year))
    if districts is not None:
        qs = qs.filter(district_id__in=list(districts))
    if area is not None:
        qs = qs.filter(area)
    for key, value in (filters or {}).items():
        name, _, lookup = key.partition("__")
        if name in COUNT_FILTERS:
            continue  # applied by choosing the count column, see count_for
        if name not in CELL_FILTERS:
            raise UnsupportedQuery(f"汇总表不支持筛选条件 {key}")
        qs = qs.filter(**{CELL_FILTERS[name] + ("__in" if lookup == "in" else ""): value})
    return qs


def totals(
    *,
    year: int | Iterable[int] | None = None,
    districts: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    area: Q | None = None,
) -> Totals:
    """One row of sums (a single aggregate query over the cells)."""
    qs = cells(year=year, districts=districts, filters=filters, area=area)
    agg = qs.aggregate(**{f"s_{k}": Sum(k) for k in SUMMED}, as_of=Min("refreshed_at"), count=Count("id"))
    sums = {k: agg[f"s_{k}"] or 0 for k in SUMMED}
    as_of = agg["as_of"]
    if as_of is None and year is not None:
        # No cells (e.g. a year without data) — the year may still have been refreshed.
        years = [year] if isinstance(year, int) else list(year)
        as_of = RollupYear.objects.filter(year__in=years).aggregate(m=Min("refreshed_at"))["m"]
    return Totals(sums, as_of, agg["count"] or 0)


def count_for(t: Totals, filters: Mapping[str, Any]) -> int:
    """Enterprise-year counts, honouring the listed/leading filters the cells hold as counts."""
    flags = [k for k in filters if k in COUNT_FILTERS and filters[k]]
    if len(flags) > 1:
        raise UnsupportedQuery("汇总表只支持一个上市/领军筛选条件")
    if any(k in COUNT_FILTERS and not filters[k] for k in filters):
        col = next(k for k in filters if k in COUNT_FILTERS)
        return int(t.sums["n_rows"]) - int(t.sums[COUNT_FILTERS[col]])
    return int(t.sums[COUNT_FILTERS[flags[0]]] if flags else t.sums["n_rows"])


def breakdown(
    *,
    year: int | Iterable[int],
    by: Sequence[str],
    districts: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Sums grouped by cell dimensions (year, district__code, district__name, category_code,
    is_above_scale, is_digital, is_core, platform_key), one GROUP BY over the cells."""
    allowed = {
        "year",
        "district__code",
        "district__name",
        "category_code",
        "is_above_scale",
        "is_digital",
        "is_core",
        "platform_key",
    }
    bad = set(by) - allowed
    if bad:
        raise UnsupportedQuery(f"不支持的分组维度：{'、'.join(sorted(bad))}")
    qs = cells(year=year, districts=districts, filters=filters).values(*by)
    rows = qs.annotate(**{f"s_{k}": Sum(k) for k in SUMMED}, as_of=Min("refreshed_at")).order_by(*by)
    out = []
    for r in rows:
        direct, est = Decimal(r["s_va_direct"] or 0), Decimal(r["s_va_estimated"] or 0)
        item = {k: r[k] for k in by}
        item.update({k: r[f"s_{k}"] for k in SUMMED})
        item.update(value_added=direct + est, va_coverage=valueadded.coverage(direct, est), as_of=r["as_of"])
        out.append(item)
    return out


# The classification's levels a breakdown can regroup 小类 cells into, and how a 小类 reaches each.
CATEGORY_LEVELS = {"major": "parent__parent__code", "middle": "parent__code", "minor": "code"}


def category_parents(level: str = "major") -> dict[str, str]:
    """小类 code → its code at `level` (大类 "major", 中类 "middle", itself "minor"), by the
    classification's own tree (one query): the only 小类 → 大类/中类 mapping the breakdowns use."""
    if level not in CATEGORY_LEVELS:
        raise UnsupportedQuery(f"不支持的分组维度：{level}")
    return dict(
        CultureCategory.objects.filter(level=CultureCategory.Level.MINOR).values_list(
            "code", CATEGORY_LEVELS[level]
        )
    )


def minor_to_major() -> dict[str, str]:
    """小类 code → its 大类 code (one query)."""
    return category_parents("major")


def regroup(rows: Iterable[Mapping[str, Any]], key_of: Any) -> dict[str, dict[str, Any]]:
    """`breakdown` rows added up by `key_of(row)`: the sums, value added and its coverage of the rows
    that share a key, "as of" the oldest of them. Sums, not values: a group's value added, coverage or
    ratio is read from its own sums."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = out.setdefault(key_of(row), {**{k: 0 for k in SUMMED}, "as_of": None})
        for k in SUMMED:
            item[k] += row[k] or 0
        if row["as_of"] is not None and (item["as_of"] is None or row["as_of"] < item["as_of"]):
            item["as_of"] = row["as_of"]
    for item in out.values():
        direct, est = Decimal(item["va_direct"] or 0), Decimal(item["va_estimated"] or 0)
        item.update(value_added=direct + est, va_coverage=valueadded.coverage(direct, est))
    return out


def category_breakdown(
    *,
    year: int,
    level: str = "major",
    districts: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Sums by culture category at `level` (one GROUP BY by 小类, regrouped by the classification's own
    tree), each with its `code`, `name` and `domain` (core / related) from the classification, in code
    order; unclassified cells last, under code "" (未分类)."""
    parent = category_parents(level)
    groups = regroup(
        breakdown(year=year, by=["category_code"], districts=districts, filters=filters),
        lambda r: parent.get(r["category_code"] or "", ""),
    )
    categories = {c.code: c for c in CultureCategory.objects.filter(code__in=[k for k in groups if k])}
    rows = []
    for code in sorted(groups, key=lambda k: (k == "", k)):
        category = categories.get(code)
        rows.append(
            {
                **groups[code],
                "code": code,
                "name": category.name if category else "未分类",
                "domain": category.get_domain_display() if category else "—",
            }
        )
    return rows


def major_breakdown(
    *, year: int, districts: Iterable[int] | None = None, filters: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Sums by culture 大类 (`category_breakdown` at the 大类 level)."""
    return category_breakdown(year=year, level="major", districts=districts, filters=filters)


def district_breakdown(
    *, year: int, districts: Iterable[int] | None = None, filters: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Sums by district, each with its `code` and `name`, in code order (one GROUP BY)."""
    rows = breakdown(year=year, by=["district__code", "district__name"], districts=districts, filters=filters)
    return [{**r, "code": r["district__code"], "name": r["district__name"]} for r in rows]


def _measure_operand(spec: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    if spec.get("official") or spec.get("measure") not in ("value_added", *MEASURE_COLUMNS):
        return None
    return spec["measure"], dict(spec.get("filter", {}))


def formula_breakdown(
    *, formula: Mapping[str, Any], year: int, by: str, districts: Iterable[int] | None = None
) -> list[dict[str, Any]] | None:
    """A plan formula's value by district ("district") or by 大类 ("major"), from the rollup cells:
    rows of `code`, `name`, `value` (2 decimals) in code order. None when the formula cannot be split
    (counts of registry objects, official-only operands, a ratio by 大类)."""
    kind = formula.get("kind")
    if by == "major" and kind == "ratio":
        return None  # kept unsplit: the page shows a ratio's split by district only

    names: dict[str, str] = {}

    def grouped(filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        if by == "district":
            rows = district_breakdown(year=year, districts=districts, filters=filters)
        else:
            rows = category_breakdown(year=year, level="major", districts=districts, filters=filters)
        names.update((r["code"], r["name"]) for r in rows)
        return rows

    try:
        scale = Decimal(str(formula.get("scale", 1)))
        if kind == "aggregate":
            rows = grouped(formula.get("filter", {}))
            values = {r["code"]: measure_value(r, formula["measure"]) * scale for r in rows}
        elif kind == "ratio":
            num = _measure_operand(formula["numerator"])
            den = _measure_operand(formula["denominator"])
            if num is None or den is None:
                return None
            nums = {r["code"]: measure_value(r, num[0]) for r in grouped(num[1])}
            dens = {r["code"]: measure_value(r, den[0]) for r in grouped(den[1])}
            values = {k: (nums.get(k, Decimal(0)) / d * scale) for k, d in dens.items() if d}
        else:
            return None
    except UnsupportedQuery:
        return None
    return [
        {"code": k, "name": names.get(k, "未分类") if k else "未分类", "value": v.quantize(Decimal("0.01"))}
        for k, v in sorted(values.items())
    ]


def rollup_years() -> list[RollupYear]:
    return list(RollupYear.objects.all())


def indicator_value_list(
    *,
    plan_code: str,
    year: int | None = None,
    spatial_unit_code: str | None = "",
    version: Publication | None = None,
) -> QuerySet[Any]:
    """Stored values: the working series, or a published version's copy."""
    qs: QuerySet[Any] = (
        PublishedValue.objects.filter(publication=version)
        if version is not None
        else IndicatorValue.objects.filter(plan_code=plan_code)
    )
    if year is not None:
        qs = qs.filter(year=year)
    if spatial_unit_code is not None:
        qs = qs.filter(spatial_unit_code=spatial_unit_code)
    return qs


def indicator_values_json(*, plan_code: str, year: int, spatial_unit_code: str = "") -> str:
    """The indicator endpoint's body: the snapshot written at recompute time (one indexed read of one
    row, nothing to serialise); rendered from the stored rows only if no snapshot exists (never
    recomputed since the snapshots were introduced, or a year without values: an empty list)."""
    found = list(
        IndicatorSnapshot.objects.filter(plan_code=plan_code, year=year, spatial_unit_code=spatial_unit_code)
        .order_by()
        .values_list("payload", flat=True)[:1]
    )
    if found:
        return found[0]
    values = indicator_value_list(plan_code=plan_code, year=year, spatial_unit_code=spatial_unit_code)
    first_met = presenters.first_met_years(indicator_value_list(plan_code=plan_code).filter(year__lte=year))
    return presenters.indicator_values_json(
        plan_code=plan_code, year=year, values=values, first_met=first_met
    )


def violation_list(
    *,
    years: Iterable[int] | None = None,
    districts: Iterable[int] | None = None,
    importance: str | None = None,
) -> QuerySet[ValidationViolation]:
    """Violations for the 统计员 (scoped to `districts` for a district office)."""
    qs = ValidationViolation.objects.select_related("rule", "enterprise", "enterprise_year")
    if years is not None:
        qs = qs.filter(year__in=list(years))
    if districts is not None:
        qs = qs.filter(district_id__in=list(districts))
    if importance:
        qs = qs.filter(rule__importance=importance)
    return qs.order_by("year", "rule__importance", "rule__code", "enterprise__uscc")


@dataclass
class AreaSpec:
    """A spatial unit's members. A unit whose plan entry names platforms (the corridors and clusters:
    a corridor crosses districts but covers only its parks) is the cells of those platforms' firms,
    wherever they lie; a unit of whole districts (the belts, the western counties) is the cells of
    its districts. Copying whole districts into a corridor would count every firm of 西湖区 in 之江
    影视演艺产业走廊 (docs/statistics.md, "Spatial units")."""

    code: str
    name: str
    district_ids: list[int] = field(default_factory=list)
    platform_ids: list[int] = field(default_factory=list)

    @property
    def by_platforms(self) -> bool:
        return bool(self.platform_ids)

    def q(self) -> Q:
        if self.platform_ids:
            return Q(platform_key__in=self.platform_ids)
        return Q(district_id__in=self.district_ids)


# --- publications -----------------------------------------------------------------------------------


def publication_current(*, plan_code: str) -> Publication | None:
    """The version the public reads (已发布), or None: nothing published yet (暂无已发布数据)."""
    return Publication.objects.filter(plan_code=plan_code, state=Publication.State.PUBLISHED).first()


def publication_list(*, plan_code: str) -> QuerySet[Publication]:
    return Publication.objects.filter(plan_code=plan_code).select_related("published_by").order_by("-number")


def publication_get(*, plan_code: str, number: int) -> Publication | None:
    """A version by number; a withdrawn one is not served to readers (None)."""
    return (
        Publication.objects.filter(plan_code=plan_code, number=number)
        .exclude(state=Publication.State.WITHDRAWN)
        .first()
    )


def publication_by_pk(*, pk: int) -> Publication | None:
    return Publication.objects.filter(pk=pk).exclude(state=Publication.State.WITHDRAWN).first()


def publication_pending_changes(*, plan_code: str) -> list[publication.Change]:
    """What publishing now would change for the public: the working figures against the current
    version (everything is new when nothing is published)."""
    current = publication_current(plan_code=plan_code)
    before = (
        [publication.figure_from(v) for v in PublishedValue.objects.filter(publication=current).order_by()]
        if current is not None
        else []
    )
    after = [
        publication.figure_from(v) for v in IndicatorValue.objects.filter(plan_code=plan_code).order_by()
    ]
    return publication.diff(before, after)


def published_payload(*, version: Publication, kind: str, year: int, key: str = "") -> str | None:
    """A stored JSON body of a version (indicator endpoint, breakdown or district totals), or None."""
    found = list(
        PublishedPayload.objects.filter(publication=version, kind=kind, year=year, key=key)
        .order_by()
        .values_list("payload", flat=True)[:1]
    )
    return found[0] if found else None


def published_figures(*, version: Publication) -> dict[tuple[str, str, int], PublishedValue]:
    """A version's values by (spatial unit, indicator, year)."""
    return {
        (v.spatial_unit_code, v.indicator_code, v.year): v
        for v in PublishedValue.objects.filter(publication=version).order_by()
    }


def publication_version_info(version: Publication | None) -> dict[str, Any]:
    """How readers name the figures they show: a version (number, time) or the working figures."""
    if version is None:
        return {"kind": "working", "label": "工作数据（未发布）", "number": None, "published_at": None}
    return {
        "kind": "published",
        "label": version.label,
        "number": version.number,
        "published_at": version.published_at.isoformat(),
        "state": version.state,
    }
