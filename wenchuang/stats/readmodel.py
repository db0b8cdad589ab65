"""The statistics read model: the one series per indicator × scope × year (stored by
`services.indicator_values_recompute`) as typed rows, read by every consumer — CLI, API, cockpit,
indicator page and reports — which only map these rows to text, JSON or documents.

Rows keep numbers as Decimals/floats (never formatted text); `presenters` turns them into labels.
Every reader takes `version`: None reads the working series (staff), a `Publication` reads that
version's frozen copy (the public, and reports made for a version) — the same rows either way.
An evaluation "as of" year Y reads nothing after Y: the first year a target was met is looked for
in the base year … Y only, and the year-on-year growth compares Y with Y − 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q

from wenchuang.stats import formulas, indicators
from wenchuang.stats.models import IndicatorValue, IndicatorValueFields, Publication, PublishedValue
from wenchuang.stats.presenters import first_met_years, reliability_label, source_label, target_display

CENT = Decimal("0.01")


@dataclass
class IndicatorRow:
    """One indicator (or a spatial unit's measure) in one year, with everything a reader shows."""

    code: str
    name: str
    unit: str
    category: str
    year: int
    value: Decimal | None  # the chosen value as published: to the cent, as the indicator endpoint's "value"
    source: str = "none"
    source_label: str = "暂无数据"
    reliability: str = ""
    reliability_label: str = ""
    document: str = ""
    as_of: datetime | None = None
    spatial_unit: str = ""
    computed_value: Decimal | None = None
    official_value: Decimal | None = None
    coverage: float | None = None  # share of value added computed directly (not by rate)
    db_coverage: float | None = None  # micro-data value ÷ official value (the database's coverage)
    base_year: int | None = None
    base_value: Decimal | None = None
    base_source: str = ""
    target_year: int | None = None
    target_op: str = ""
    target_value: Decimal | None = None
    target_display: str = ""
    status: str = ""
    status_label: str = ""
    target_met: bool = False
    first_year_met: int | None = None
    completion: float | None = None  # 增量完成度
    target_ratio: float | None = None  # 目标完成率
    time_share: float | None = None
    on_schedule: bool | None = None
    method: str = ""
    observed_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    score: float | None = None
    rate_still_required: float | None = None
    projected_value: float | None = None
    explanation: str = ""
    basis_note: str = ""
    mixed_sources: bool = False
    yoy: formulas.Growth | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    components: dict[str, Any] = field(default_factory=dict)
    exact: Decimal | None = None  # the chosen value unrounded

    @property
    def is_provisional(self) -> bool:
        return self.reliability in ("provisional", "estimate") or self.source == "estimate"


def _cent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def _inputs(components: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of a derived value, each with its source (which ones were official)."""
    if not components.get("derived"):
        return []
    out = []
    for side in ("numerator", "denominator"):
        c = components.get(side) or {}
        name = c.get("indicator") or c.get("official") or c.get("measure") or ""
        out.append(
            {
                "side": side,
                "name": name,
                "value": c.get("value"),
                "source": c.get("source", "none"),
                "source_label": source_label(c.get("source", "none")),
                "document": c.get("document", ""),
            }
        )
    return out


def row_from_value(v: IndicatorValueFields, *, category: str = "") -> IndicatorRow:
    db_cov = None
    if (
        v.computed_value is not None
        and v.official_value is not None
        and v.indicator_code.startswith("value_added")
    ):
        db_cov = formulas.coverage(v.computed_value, v.official_value)
    derived = bool(v.components.get("derived"))
    return IndicatorRow(
        code=v.indicator_code,
        name=v.name,
        unit=v.unit,
        category=category,
        year=v.year,
        value=_cent(v.headline_value),
        exact=v.headline_value,
        source=v.headline_source,
        source_label=source_label(v.headline_source, derived=derived),
        reliability=v.headline_reliability,
        reliability_label=reliability_label(v.headline_reliability),
        document=v.headline_document,
        as_of=v.headline_as_of,
        spatial_unit=v.spatial_unit_code,
        computed_value=v.computed_value,
        official_value=v.official_value,
        coverage=v.coverage,
        db_coverage=db_cov,
        base_year=v.base_year,
        base_value=v.base_value,
        base_source=v.base_source,
        target_year=v.target_year,
        target_op=v.target_op,
        target_value=v.target_value,
        target_display=target_display(v.target_op, v.target_value),
        status=v.status if v.headline_value is not None else "no_data",
        status_label=(v.status_label or "—") if v.headline_value is not None else "暂无数据",
        target_met=v.target_met,
        completion=v.completion,
        target_ratio=v.target_ratio,
        time_share=v.time_share,
        on_schedule=v.on_schedule,
        method=v.method,
        observed_rate=v.observed_rate,
        required_rate=v.required_rate,
        ratio=v.ratio,
        score=v.score,
        rate_still_required=v.rate_still_required,
        projected_value=v.projected_value,
        explanation=v.explanation,
        basis_note=v.basis_note,
        mixed_sources=v.mixed_sources,
        inputs=_inputs(v.components),
        components=v.components,
    )


def empty_row(
    *,
    code: str,
    name: str,
    unit: str,
    category: str,
    year: int,
    base_year: int | None = None,
    base_value: Decimal | None = None,
    target_year: int | None = None,
    target_op: str = "",
    target_value: Decimal | None = None,
) -> IndicatorRow:
    """暂无数据: no value and no status (never a zero)."""
    return IndicatorRow(
        code=code,
        name=name,
        unit=unit,
        category=category,
        year=year,
        value=None,
        base_year=base_year,
        base_value=base_value,
        target_year=target_year,
        target_op=target_op,
        target_value=target_value,
        target_display=target_display(target_op, target_value),
        status="no_data",
        status_label="暂无数据",
    )


def _values(plan_code: str, spatial_unit_code: str | None, version: Publication | None = None) -> Any:
    if version is not None:
        qs: Any = PublishedValue.objects.filter(publication=version)
    else:
        qs = IndicatorValue.objects.filter(plan_code=plan_code)
    if spatial_unit_code is not None:
        qs = qs.filter(spatial_unit_code=spatial_unit_code)
    return qs


def indicator_rows(
    *,
    plan: Any,
    year: int,
    spatial_unit_code: str | None = "",
    with_empty: bool = True,
    defs: list[Any] | None = None,
    version: Publication | None = None,
) -> list[IndicatorRow]:
    """Every indicator of the plan for `year` (city: spatial_unit_code ""; a unit's code; None: all),
    in the plan's order, with its first met year (≤ year) and its year-on-year growth under the
    same-source rule. Indicators without a stored value come back as 暂无数据 rows. One query for the
    values (plus one for the plan's indicators unless `defs` is given)."""
    stored = list(
        _values(plan.code, spatial_unit_code, version).filter(
            Q(year__in=[year, year - 1])
            | Q(target_met=True, year__gt=plan.base_year, year__lte=year, headline_value__isnull=False)
        )
    )
    this = {(v.spatial_unit_code, v.indicator_code): v for v in stored if v.year == year}
    prev = {(v.spatial_unit_code, v.indicator_code): v for v in stored if v.year == year - 1}
    first_met = first_met_years(stored)
    plan_defs = defs if defs is not None else list(plan.indicators.all().order_by("category", "seq"))
    categories = {i.code: i.category for i in plan_defs}
    rows: list[IndicatorRow] = []
    keys: list[tuple[str, str]] = []
    if spatial_unit_code in ("", None) and with_empty:
        keys = [("", i.code) for i in plan_defs]
    keys += sorted(k for k in this if k not in set(keys))
    by_code = {i.code: i for i in plan_defs}
    for key in keys:
        v = this.get(key)
        if v is None:
            i = by_code[key[1]]
            rows.append(
                empty_row(
                    code=i.code,
                    name=i.name,
                    unit=i.unit,
                    category=i.category,
                    year=year,
                    base_year=i.base_year,
                    base_value=i.base_value,
                    target_year=i.target_year,
                    target_op=i.target_op,
                    target_value=i.target_value,
                )
            )
            continue
        row = row_from_value(
            v, category=categories.get(v.indicator_code, "") if not v.spatial_unit_code else "unit"
        )
        row.first_year_met = first_met.get((*key, year))
        p = prev.get(key)
        if p is not None:
            row.yoy = formulas.growth(
                value=v.headline_value,
                source=v.headline_source,
                year=year,
                prev_value=p.headline_value,
                prev_source=p.headline_source,
                prev_year=year - 1,
            )
        rows.append(row)
    return rows


def indicator_series(
    *,
    plan_code: str,
    code: str,
    spatial_unit_code: str = "",
    until: int | None = None,
    version: Publication | None = None,
) -> list[IndicatorRow]:
    """One indicator's chosen values year by year (up to `until`), each with its growth from the
    year before under the same-source rule and its first met year so far."""
    qs = _values(plan_code, spatial_unit_code, version).filter(indicator_code=code).order_by("year")
    if until is not None:
        qs = qs.filter(year__lte=until)
    values = list(qs)
    first_met = first_met_years(values)
    out: list[IndicatorRow] = []
    prev: IndicatorValueFields | None = None
    for v in values:
        row = row_from_value(v)
        row.first_year_met = first_met.get((v.spatial_unit_code, v.indicator_code, v.year))
        if prev is not None and prev.year == v.year - 1:
            row.yoy = formulas.growth(
                value=v.headline_value,
                source=v.headline_source,
                year=v.year,
                prev_value=prev.headline_value,
                prev_source=prev.headline_source,
                prev_year=prev.year,
            )
        out.append(row)
        prev = v
    return out


@dataclass(frozen=True)
class CoverageYear:
    year: int
    micro: Decimal | None
    official: Decimal | None
    coverage: float | None


def value_added_coverage(
    *, plan_code: str, until: int | None = None, version: Publication | None = None
) -> list[CoverageYear]:
    """Per year where both exist: micro-data value added ÷ official value added (city)."""
    qs = _values(plan_code, "", version).filter(indicator_code="value_added").order_by("year")
    if until is not None:
        qs = qs.filter(year__lte=until)
    return [
        CoverageYear(
            v.year, v.computed_value, v.official_value, formulas.coverage(v.computed_value, v.official_value)
        )
        for v in qs
        if v.computed_value is not None and v.official_value is not None
    ]


def years_with_values(*, plan_code: str, version: Publication | None = None) -> list[int]:
    """Years where at least one city indicator has a chosen value."""
    return sorted(
        set(
            _values(plan_code, "", version)
            .filter(headline_value__isnull=False)
            .values_list("year", flat=True)
            .distinct()
        )
    )


def as_of(*, plan_code: str, year: int, version: Publication | None = None) -> datetime | None:
    """数据截至 of a year's figures: the latest moment any chosen value of the year was computed or
    entered (an official figure entered after the micro-data refresh moves it)."""
    return _values(plan_code, "", version).filter(year=year).aggregate(m=Max("headline_as_of"))["m"]


def district_indicator_rows(
    *, plan: Any, year: int, district_ids: list[int], label: str
) -> list[IndicatorRow]:
    """A district office's own figures: each formula evaluated over its districts (micro data only —
    official figures are city figures), base year and `year`; rows named for the district. The plan's
    targets are city targets, so no status is assessed; the growth since the base year compares two
    computed values (same source)."""
    scope = indicators.Scope(districts=district_ids)
    officials = indicators.OfficialIndex(plan.code)
    chosen: dict[tuple[str, int], indicators.Chosen] = {}
    rows = []
    for ind in plan.indicators.all().order_by("category", "seq"):
        values: dict[int, Decimal | None] = {}
        formula = ind.formula or {}
        for y in (plan.base_year, year):
            if formula.get("kind") == "series":
                c = chosen.get((formula["indicator"], y))
                values[y] = c.value if c else None
            elif formula:
                ev = indicators.evaluate(
                    formula, year=y, scope=scope, plan_code=plan.code, officials=officials, chosen=chosen
                )
                values[y] = None if ev.value is None else ev.value.quantize(CENT)
            else:
                values[y] = None
            chosen[(ind.code, y)] = indicators.Chosen(
                values[y], ind.unit, "computed" if values[y] is not None else "none"
            )
        value, base = values[year], values[plan.base_year]
        rate = None
        if value is not None and base is not None and year > plan.base_year:
            rate = formulas.cagr(float(base), float(value), year - plan.base_year)
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=ind.name.replace("全市", label, 1) if label else ind.name,
                unit=ind.unit,
                category=ind.category,
                year=year,
                value=value,
                source="computed" if value is not None else "none",
                source_label=source_label("computed" if value is not None else "none"),
                base_year=plan.base_year,
                base_value=base,
                base_source="computed" if base is not None else "",
                status="district" if value is not None else "no_data",
                status_label="区县不设规划目标" if value is not None else "暂无数据",
                observed_rate=rate,
            )
        )
    return rows
