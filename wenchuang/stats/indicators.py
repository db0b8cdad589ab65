"""Evaluation of a plan indicator's formula (plan.schema: aggregate, ratio, count, official) for a
year, over the rollup cells and the registry. Reads only; `services.indicator_values_recompute`
stores the results with their progress.

Counts of registry objects are "as of" year Y: recognised in or before Y (a missing recognition year
never counts) and not revoked by Y. Enterprise-years are counted from the cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q

from wenchuang.core.errors import DomainError
from wenchuang.registry.models import Enterprise, ExportItem, Platform, Talent
from wenchuang.registry.regions import region_district_ids
from wenchuang.stats import selectors
from wenchuang.stats.models import OfficialFigure

QUANTUM = Decimal("0.000001")
# Official figures are converted to the micro data's unit (万元) when used inside a ratio.
TO_WAN = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}


class FormulaError(DomainError, ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    """Where to evaluate: the whole city (default), some districts (role scoping), or a spatial unit."""

    districts: list[int] | None = None
    area: selectors.AreaSpec | None = None
    area_kind: str = OfficialFigure.AreaKind.CITY
    area_code: str = ""


CITY = Scope()


def plan_scope(plan: Any) -> Scope:
    """Where a plan's own indicators are evaluated. The deployment's city plan: every cell, with the
    city's official figures. A plan of another region (a county's plan; a province's or another
    city's once their divisions are loaded): the cells of the region's counties, with the official
    figures entered for area kind "district" and the region's code (a county's 统计公报 figures)."""
    if plan.region_code == settings.WENCHUANG_REGION_CODE:
        return CITY
    return Scope(
        districts=region_district_ids(plan.region_code),
        area_kind=OfficialFigure.AreaKind.DISTRICT,
        area_code=plan.region_code,
    )


@dataclass
class Evaluation:
    value: Decimal | None
    as_of: datetime | None = None
    coverage: float | None = None
    components: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chosen:
    """The chosen value of an indicator for a scope and year (see `services._choose`): what derived
    indicators read as their inputs."""

    value: Decimal | None
    unit: str
    source: str  # official | computed | estimate | none
    reliability: str = ""
    document: str = ""
    as_of: datetime | None = None


ChosenIndex = Mapping[tuple[str, int], Chosen]


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(QUANTUM)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM)


def evaluate(
    formula: Mapping[str, Any],
    *,
    year: int,
    scope: Scope = CITY,
    plan_code: str = "",
    officials: OfficialIndex | None = None,
    chosen: ChosenIndex | None = None,
) -> Evaluation:
    """One year's value of a formula. Operands that name another indicator read its chosen value from
    `chosen` (missing there: no value); a `series` formula is resolved by the caller, never here."""
    kind = formula.get("kind")
    if kind == "aggregate":
        return _aggregate(formula, year, scope)
    if kind == "ratio":
        return _ratio(formula, year, scope, officials or OfficialIndex(plan_code), chosen or {})
    if kind == "count":
        return _count(formula, year, scope)
    if kind == "unit_share":
        return _unit_share(formula, year, scope)
    if kind == "official":
        return Evaluation(None, components={"kind": "official", "series": formula.get("series")})
    raise FormulaError(f"未知公式类型 {kind!r}")


def _totals(filters: Mapping[str, Any], year: int, scope: Scope) -> selectors.Totals:
    return selectors.totals(
        year=year, districts=scope.districts, filters=filters, area=scope.area.q() if scope.area else None
    )


def _aggregate(formula: Mapping[str, Any], year: int, scope: Scope) -> Evaluation:
    measure = formula["measure"]
    scale = Decimal(str(formula.get("scale", 1)))
    t = _totals(formula.get("filter", {}), year, scope)
    raw = t.measure(measure)
    components: dict[str, Any] = {"kind": "aggregate", "measure": measure, "raw_wan_or_units": str(raw)}
    components["scale"] = str(scale)
    components["enterprise_years"] = int(t.sums["n_rows"])
    if measure == "value_added":
        components.update(
            va_direct=str(t.sums["va_direct"]),
            va_estimated=str(t.sums["va_estimated"]),
            rows_direct=int(t.sums["n_direct"]),
            rows_estimated=int(t.sums["n_estimated"]),
            rows_unknown=int(t.sums["n_unknown"]),
        )
    if measure == "total_output":
        components.update(rows_reported=int(t.sums["n_output_reported"]), rows_revenue_used=_revenue_used(t))
    value = raw * scale if t.cells else None
    return Evaluation(_q(value), t.as_of, t.coverage_for(measure), components)


def _unit_share(formula: Mapping[str, Any], year: int, scope: Scope) -> Evaluation:
    """Internal formula for spatial units: the unit's share (%) of the city's total of a measure."""
    measure = formula["measure"]
    unit = _totals({}, year, scope)
    city = selectors.totals(year=year)
    if not unit.cells or not city.cells or not city.measure(measure):
        return Evaluation(None, city.as_of)
    value = unit.measure(measure) / city.measure(measure) * 100
    return Evaluation(
        _q(value),
        city.as_of,
        None,
        {
            "kind": "unit_share",
            "measure": measure,
            "unit": str(unit.measure(measure)),
            "city": str(city.measure(measure)),
        },
    )


def _revenue_used(t: selectors.Totals) -> int:
    return int(t.sums["n_rows"]) - int(t.sums["n_output_reported"])


def _operand(
    spec: Mapping[str, Any], year: int, scope: Scope, officials: OfficialIndex, chosen: ChosenIndex
) -> tuple[Decimal | None, datetime | None, float | None, dict[str, Any]]:
    if spec.get("indicator"):
        c = chosen.get((spec["indicator"], year))
        if c is None or c.value is None:
            return None, None, None, {"indicator": spec["indicator"], "missing": True, "source": "none"}
        return (
            c.value * TO_WAN.get(c.unit, Decimal(1)),
            c.as_of,
            None,
            {
                "indicator": spec["indicator"],
                "value": str(c.value),
                "unit": c.unit,
                "source": c.source,
                "reliability": c.reliability,
                "document": c.document,
            },
        )
    if spec.get("official"):
        fig = officials.get(code=spec["official"], year=year, scope=scope)
        if fig is None:
            return None, None, None, {"official": spec["official"], "missing": True, "source": "none"}
        factor = TO_WAN.get(fig.unit, Decimal(1))
        return (
            fig.value * factor,
            fig.entered_at,
            None,
            {
                "official": spec["official"],
                "value": str(fig.value),
                "unit": fig.unit,
                "source": "estimate" if fig.reliability == "estimate" else "official",
                "reliability": fig.reliability,
                "document": fig.source_document,
            },
        )
    t = _totals(spec.get("filter", {}), year, scope)
    value = t.measure(spec["measure"]) if t.cells else None
    return (
        value,
        t.as_of,
        t.coverage_for(spec["measure"]),
        {
            "measure": spec["measure"],
            "filter": dict(spec.get("filter", {})),
            "value": None if value is None else str(value),
            "source": "computed" if value is not None else "none",
        },
    )


def _ratio(
    formula: Mapping[str, Any], year: int, scope: Scope, officials: OfficialIndex, chosen: ChosenIndex
) -> Evaluation:
    num, num_as_of, num_cov, num_c = _operand(formula["numerator"], year, scope, officials, chosen)
    den, den_as_of, den_cov, den_c = _operand(formula["denominator"], year, scope, officials, chosen)
    scale = Decimal(str(formula.get("scale", 1)))
    value = None if num is None or not den else num / den * scale
    covs = [c for c in (num_cov, den_cov) if c is not None]
    stamps = [s for s in (num_as_of, den_as_of) if s is not None]
    return Evaluation(
        _q(value),
        min(stamps) if stamps else None,
        min(covs) if covs else None,
        {"kind": "ratio", "numerator": num_c, "denominator": den_c, "scale": str(scale), "derived": True},
    )


_COUNT_MODELS: dict[str, Any] = {
    "platform": Platform,
    "talent": Talent,
    "export_item": ExportItem,
    "enterprise": Enterprise,
}
_COUNT_FIELDS = {
    "district": "district__code",
    "culture_code": "culture_category__code",
    "digital": "culture_category__is_new_form",
}


def _count(formula: Mapping[str, Any], year: int, scope: Scope) -> Evaluation:
    model_name = formula["model"]
    filters = dict(formula.get("filter", {}))
    if model_name == "enterprise_year":
        t = _totals(filters, year, scope)
        if not selectors.totals(year=year).cells:
            # No micro data for the year at all: not zero firms, but nothing known.
            return Evaluation(None, None, None, {"kind": "count", "model": model_name, "filter": filters})
        n = selectors.count_for(t, filters)
        return Evaluation(
            Decimal(n), t.as_of, None, {"kind": "count", "model": model_name, "filter": filters}
        )
    model = _COUNT_MODELS[model_name]
    if not _has_records(model_name):
        # No recognitions recorded at all (only the plan's names loaded): 暂无数据, not 0.
        return Evaluation(None, None, None, {"kind": "count", "model": model_name, "filter": filters})
    qs = model.objects.all()
    for key, value in filters.items():
        name, _, lookup = key.partition("__")
        if name == "core":
            cond = Q(culture_category__domain="core")
            qs = qs.filter(cond) if value else qs.exclude(cond)
            continue
        qs = qs.filter(**{_COUNT_FIELDS.get(name, name) + ("__in" if lookup == "in" else ""): value})
    qs = as_of_year(qs, model_name, year)
    if scope.districts is not None:
        qs = qs.filter(district_id__in=scope.districts)
    if scope.area is not None:
        # The same rule as the cells (selectors.AreaSpec): a unit that names platforms counts what
        # belongs to those platforms; a unit of whole districts counts its districts.
        area = Q(district_id__in=scope.area.district_ids)
        if scope.area.platform_ids and model_name == "platform":
            area = Q(pk__in=scope.area.platform_ids)
        elif scope.area.platform_ids and model_name == "enterprise":
            area = Q(platform_id__in=scope.area.platform_ids)
        qs = qs.filter(area)
    return Evaluation(
        Decimal(qs.count()),
        None,
        None,
        {"kind": "count", "model": model_name, "filter": filters, "as_of_year": year},
    )


def _has_records(model_name: str) -> bool:
    """Whether the registry holds any data a count can be made of: an enterprise, or a recognition
    year for platforms, talents and export items (plan-loaded platform names carry none)."""
    model = _COUNT_MODELS[model_name]
    if model_name == "enterprise":
        return bool(model.objects.exists())
    return bool(model.objects.filter(recognized_year__isnull=False).exists())


def as_of_year(qs: Any, model_name: str, year: int) -> Any:
    if model_name == "enterprise":
        return qs.filter(Q(founded_on__isnull=True) | Q(founded_on__year__lte=year))
    qs = qs.filter(recognized_year__isnull=False, recognized_year__lte=year)
    if model_name in ("platform", "export_item"):
        qs = qs.filter(Q(revoked_year__isnull=True) | Q(revoked_year__gt=year))
    return qs


class OfficialIndex:
    """All official figures of a plan (and the plan-independent series) loaded once, for a recompute."""

    def __init__(self, plan_code: str) -> None:
        self.plan_code = plan_code
        self._by_key = {
            (f.plan_code, f.code, f.year, f.area_kind, f.area_code): f
            for f in OfficialFigure.objects.filter(plan_code__in=[plan_code, ""])
        }

    def get(self, *, code: str, year: int, scope: Scope) -> OfficialFigure | None:
        if scope.districts is not None and scope.area_kind == OfficialFigure.AreaKind.CITY:
            return None  # a role-restricted view of several districts has no single official figure
        for plan in (self.plan_code, ""):
            fig = self._by_key.get((plan, code, year, scope.area_kind, scope.area_code))
            if fig is not None:
                return fig
        return None

    def years(self) -> set[int]:
        return {key[2] for key in self._by_key}


def years_with_data(extra: Iterable[int] = (), *, plan_code: str = "") -> list[int]:
    """Every year with micro data or an official figure (of the plan or plan-independent)."""
    official = OfficialFigure.objects.filter(plan_code__in=[plan_code, ""]).values_list("year", flat=True)
    return sorted({r.year for r in selectors.rollup_years()} | set(official) | set(extra))
