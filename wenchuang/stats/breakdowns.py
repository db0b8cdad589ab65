"""The public breakdowns of the rollup: a measure of a year split by district, culture class, spatial
unit or flag, and a district's totals — what the anonymous API serves, and what a publication freezes
(`services.publication_publish`). Every figure comes from `stats.selectors`; nothing here but the
regrouping of the rollup's sums.

Public breakdowns are aggregates of enterprise micro data. A group of fewer than
`MIN_PUBLIC_COUNT` enterprise-years would publish (nearly) one firm's figures, so its value is
withheld (`suppressed`) unless the caller is city-wide staff — the usual statistical-disclosure
threshold rule; `confidentiality` adds the dominance rule and complementary suppression.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from wenchuang.plan.models import Plan
from wenchuang.plan.selectors import plan_spatial_units
from wenchuang.registry.models import District
from wenchuang.stats import confidentiality, formulas, valueadded
from wenchuang.stats import selectors as stats

MIN_PUBLIC_COUNT = 3

# measure → (Chinese name, unit)
MEASURES: dict[str, tuple[str, str]] = {
    **{m: formulas.MEASURE_LABELS[m] for m in ("value_added", *stats.MEASURE_COLUMNS)},
    "enterprise_years": ("企业数（年度记录）", "家"),
}
DIMENSIONS: dict[str, str] = {
    "district": "区县",
    "major": "文化产业大类",
    "middle": "文化产业中类",
    "minor": "文化产业小类",
    "spatial_unit": "空间布局单元（带、廊、组团）",
    "above_scale": "规模以上/以下",
    "digital": "数字文化（新业态）/其他",
    "core": "文化核心领域/相关领域",
}
_FLAG_FIELDS = {"above_scale": "is_above_scale", "digital": "is_digital", "core": "is_core"}
_FLAG_NAMES = {
    "above_scale": ("规模以上", "规模以下"),
    "digital": ("数字文化（新业态16小类）", "其他"),
    "core": ("文化核心领域", "文化相关领域"),
}


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    value: Decimal | None
    coverage: float | None
    enterprise_years: int
    as_of: datetime | None
    suppressed: bool = False


def _value(sums: Mapping[str, Any], measure: str) -> tuple[Decimal, float | None]:
    if measure == "value_added":
        direct, est = Decimal(sums["va_direct"] or 0), Decimal(sums["va_estimated"] or 0)
        return stats.measure_value(sums, measure), valueadded.coverage(direct, est)
    if measure == "enterprise_years":
        return Decimal(sums["n_rows"] or 0), None
    value = stats.measure_value(sums, measure)
    if measure == "total_output":
        rows, revenue_rows = sums["n_rows"] or 0, sums["n_revenue"] or 0
        return value, (
            None if not rows else min(1.0, (sums["n_output_reported"] or 0) / max(revenue_rows, 1))
        )
    return value, None


def _group(key: str, name: str, sums: Mapping[str, Any], as_of: Any, measure: str, suppress: bool) -> Group:
    n = int(sums["n_rows"] or 0)
    value, coverage = _value(sums, measure)
    if suppress and 0 < n < MIN_PUBLIC_COUNT:
        return Group(key, name, None, None, n, as_of, suppressed=True)
    return Group(key, name, value, coverage, n, as_of)


def measure_breakdown(
    *,
    year: int,
    measure: str,
    by: str,
    plan: Plan | None,
    filters: Mapping[str, Any],
    suppress: bool,
) -> dict[str, Any]:
    """A measure for `year` split by one dimension, with the total over the same filters."""
    total = stats.totals(year=year, filters=filters)
    groups: list[Group] = []
    if by == "district":
        for r in stats.district_breakdown(year=year, filters=filters):
            groups.append(_group(r["code"], r["name"], r, r["as_of"], measure, suppress))
    elif by in stats.CATEGORY_LEVELS:
        for r in stats.category_breakdown(year=year, level=by, filters=filters):
            groups.append(_group(r["code"], r["name"], r, r["as_of"], measure, suppress))
    elif by in _FLAG_FIELDS:
        rows = stats.breakdown(year=year, by=[_FLAG_FIELDS[by]], filters=filters)
        yes, no = _FLAG_NAMES[by]
        for r in sorted(rows, key=lambda r: not r[_FLAG_FIELDS[by]]):
            flag = bool(r[_FLAG_FIELDS[by]])
            groups.append(
                _group("yes" if flag else "no", yes if flag else no, r, r["as_of"], measure, suppress)
            )
    elif by == "spatial_unit":
        # One aggregate per unit (a plan has ~15); units overlap, so they never add up to the total.
        for unit in plan_spatial_units(plan=plan) if plan else []:
            area = stats.AreaSpec(
                code=unit.code,
                name=unit.name,
                district_ids=[d.pk for d in unit.districts.all()],
                platform_ids=[link.platform_id for link in unit.platform_links.all()],
            )
            t = stats.totals(year=year, filters=filters, area=area.q())
            groups.append(_group(unit.code, unit.name, t.sums, t.as_of, measure, suppress))
    else:
        raise stats.UnsupportedQuery(f"不支持的分组维度：{by}")
    measure_name, measure_unit = MEASURES[measure]
    result = {
        "year": year,
        "measure": measure,
        "measure_name": measure_name,
        "unit": measure_unit,
        "by": by,
        "by_name": DIMENSIONS[by],
        "filters": dict(filters),
        "total": _group("total", "合计", total.sums, total.as_of, measure, suppress),
        "groups": groups,
        "overlapping": by == "spatial_unit",
    }
    if suppress:  # statistical confidentiality: primary + complementary suppression across all queries
        result = confidentiality.protect_breakdown(result, plan=plan)
    return result


def district_get(*, code: str) -> District | None:
    return District.objects.filter(code=code).first()


def district_measures(*, district: District, year: int, suppress: bool) -> list[Group]:
    """A district's totals for the year (the plan sets no district targets, so no progress)."""
    t = stats.totals(year=year, districts=[district.pk])
    groups = [
        _group(measure, MEASURES[measure][0], t.sums, t.as_of, measure, suppress) for measure in MEASURES
    ]
    if suppress:  # statistical confidentiality, as in measure_breakdown
        groups = confidentiality.protect_district(groups, year=year, district_code=district.code)
    return groups


def spatial_unit_exists(*, plan: Plan, code: str) -> bool:
    return plan.spatial_units.filter(code=code).exists()


# --- what a publication freezes ---------------------------------------------------------------------

# The filters a published breakdown carries: none. Each measure by each dimension is frozen per year;
# filtered cross-tabulations are for staff (freezing every combination would take hours per version).
PUBLISHED_FILTERS: tuple[dict[str, bool], ...] = ({},)


def breakdown_key(*, measure: str, by: str, filters: Mapping[str, Any]) -> str:
    """The stored key of a published breakdown: measure|by|flag=0/1 (filters sorted)."""
    flags = ",".join(f"{k}={int(bool(v))}" for k, v in sorted(filters.items()))
    return f"{measure}|{by}|{flags}"


def _group_dict(g: Group) -> dict[str, Any]:
    return {
        "key": g.key,
        "name": g.name,
        "value": None if g.value is None else str(g.value.quantize(Decimal("0.01"))),
        "coverage": g.coverage,
        "enterprise_years": g.enterprise_years,
        "as_of": g.as_of.isoformat() if g.as_of else None,
        "suppressed": g.suppressed,
    }


def breakdown_dict(result: Mapping[str, Any]) -> dict[str, Any]:
    """A breakdown as the API's JSON (the shape of `BreakdownApi.OutputSerializer`)."""
    return {
        **{k: result[k] for k in ("year", "measure", "measure_name", "unit", "by", "by_name")},
        "filters": dict(result["filters"]),
        "total": _group_dict(result["total"]),
        "groups": [_group_dict(g) for g in result["groups"]],
        "overlapping": result["overlapping"],
    }


def public_payloads(*, plan: Plan, years: Iterable[int]) -> Iterable[tuple[str, int, str, dict[str, Any]]]:
    """Every public, suppressed breakdown and district total a publication keeps, as (kind, year, key,
    body): each measure by each dimension under each of `PUBLISHED_FILTERS`, and each district's
    totals."""
    districts = list(District.objects.order_by("code"))
    for year in years:
        for measure in MEASURES:
            for by in DIMENSIONS:
                for filters in PUBLISHED_FILTERS:
                    result = measure_breakdown(
                        year=year, measure=measure, by=by, plan=plan, filters=filters, suppress=True
                    )
                    yield (
                        "breakdown",
                        year,
                        breakdown_key(measure=measure, by=by, filters=filters),
                        (breakdown_dict(result)),
                    )
        for d in districts:
            groups = district_measures(district=d, year=year, suppress=True)
            yield (
                "district",
                year,
                d.code,
                {
                    "area": {"kind": "district", "code": d.code, "name": d.name},
                    "measures": [_group_dict(g) for g in groups],
                },
            )
