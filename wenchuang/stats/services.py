"""Writes of the statistics engine: rollup refresh, official figures, indicator recomputation,
validation runs. Keyword-only; each opens its own transaction."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenchuang.core.errors import DomainError
from wenchuang.stats import engine, indicators, presenters, progress, rollup, selectors, validation
from wenchuang.stats.models import IndicatorSnapshot, IndicatorValue, OfficialFigure


def rollup_refresh(
    *, years: Iterable[int] | None = None, partitions: Iterable[Iterable[int]] | None = None
) -> rollup.RefreshResult:
    """Rebuild the rollup for `years` (after an import: the years it touched), or all years (None); with
    `partitions` ((year, district id) pairs, what an import names) only those and what they imply
    (`stats.partitions`). Idempotent, one transaction. The engine (`WENCHUANG_ROLLUP_ENGINE`) decides
    where the aggregation runs (`stats.engine`)."""
    return engine.refresh(years=years, partitions=partitions)


def rollup_reconcile(*, years: Iterable[int] | None = None) -> rollup.ReconcileResult:
    return rollup.reconcile(years)


class OfficialFigureError(DomainError, ValueError):
    pass


def official_figure_enter(
    *,
    code: str,
    year: int,
    value: Decimal | float | int | str,
    unit: str,
    source_document: str,
    plan_code: str = "",
    area_kind: str = OfficialFigure.AreaKind.CITY,
    area_code: str = "",
    source_url: str = "",
    note: str = "",
    user: Any = None,
) -> OfficialFigure:
    """Enter (or correct) a published figure. The source document is required: an official figure
    without its source cannot be checked and is not accepted. History keeps the previous values."""
    if not source_document.strip():
        raise OfficialFigureError("官方数据须注明来源文件")
    if area_kind == OfficialFigure.AreaKind.CITY and area_code:
        raise OfficialFigureError("全市数据不填范围代码")
    if area_kind != OfficialFigure.AreaKind.CITY and not area_code:
        raise OfficialFigureError("区县或空间单元数据须填范围代码")
    with transaction.atomic():
        figure, _ = OfficialFigure.objects.update_or_create(
            plan_code=plan_code,
            code=code,
            year=year,
            area_kind=area_kind,
            area_code=area_code,
            defaults={
                "value": Decimal(str(value)),
                "unit": unit,
                "source_document": source_document.strip(),
                "source_url": source_url,
                "note": note,
                "entered_by": user if getattr(user, "pk", None) else None,
                "entered_at": timezone.now(),
            },
        )
        official_figure_changed(figure=figure)
    return figure


def official_figure_changed(*, figure: OfficialFigure) -> int:
    """Refresh the stored indicator values (and their snapshots) an official figure can change: those of
    its plan, or of every plan for a plan-less series (GDP feeds ratios). Every stored year is
    recomputed: a base-year figure moves the progress of all later years. Called after an entry, a
    correction or a deletion (the admin calls it too), inside the caller's transaction."""
    from wenchuang.plan.models import Plan

    plans = Plan.objects.all() if not figure.plan_code else Plan.objects.filter(code=figure.plan_code)
    n = 0
    for plan_code in plans.values_list("code", flat=True):
        stored = set(IndicatorValue.objects.filter(plan_code=plan_code).values_list("year", flat=True))
        years = sorted(stored | {figure.year}) if stored else None
        n += len(indicator_values_recompute(plan_code=plan_code, years=years))
    return n


def official_figure_delete(*, figure: OfficialFigure) -> None:
    """Delete a figure (history keeps it) and fall back to the computed values it overrode."""
    with transaction.atomic():
        figure.delete()
        official_figure_changed(figure=figure)


# --- indicator values and progress -------------------------------------------------------------


def _headline(computed: Decimal | None, official: OfficialFigure | None) -> tuple[Decimal | None, str]:
    """The official figure is the headline where one exists; else the computed value."""
    if official is not None:
        return official.value, IndicatorValue.Source.OFFICIAL
    if computed is not None:
        return computed, IndicatorValue.Source.COMPUTED
    return None, IndicatorValue.Source.NONE


def _progress_fields(
    *,
    base_year: int | None,
    base_value: Decimal | None,
    year: int,
    value: Decimal | None,
    target_year: int | None,
    target_op: str,
    target_value: Decimal | None,
    higher_is_better: bool,
) -> dict[str, Any]:
    if target_value is None or target_year is None or base_year is None or base_value is None:
        return {"status": "", "status_label": "", "explanation": "无目标或基期值，不评估进度。"}
    p = progress.assess(
        base_year=base_year,
        base_value=float(base_value),
        latest_year=year if value is not None else None,
        latest_value=float(value) if value is not None else None,
        target=progress.Target(float(target_value), target_year, target_op or ">=", higher_is_better),
    )
    return {
        "status": str(p.status),
        "status_label": p.label,
        "target_met": p.target_met,
        "method": p.method,
        "observed_rate": _finite(p.observed_rate),
        "required_rate": _finite(p.required_rate),
        "ratio": _finite(p.ratio),
        "score": p.score,
        "completion": p.completion,
        "time_share": p.time_share,
        "on_schedule": p.on_schedule,
        "rate_still_required": _finite(p.rate_still_required),
        "projected_value": _finite(p.projected_value),
        "explanation": p.explanation,
    }


def _finite(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) or math.isnan(x) else x


@dataclass(frozen=True)
class _Def:
    """What the recomputation needs of an indicator or a spatial unit's target."""

    code: str
    name: str
    unit: str
    formula: dict[str, Any] | None
    base_year: int | None
    base_value: Decimal | None
    target_year: int | None
    target_op: str
    target_value: Decimal | None
    higher_is_better: bool = True
    spatial_unit_code: str = ""


def indicator_values_recompute(*, plan_code: str, years: Iterable[int] | None = None) -> list[IndicatorValue]:
    """Evaluate every indicator of the plan (and every spatial unit's measures and targets) for `years`
    (default: every year in the rollup plus the plan's base year), pair each computed value with the
    official figure, assess progress on the headline, and store all of it. Idempotent."""
    from wenchuang.plan.models import Plan  # plan imports nothing from stats; keep the edge one-way

    plan = Plan.objects.get(code=plan_code)
    target_years = sorted(
        set(years) if years is not None else set(indicators.years_with_data([plan.base_year]))
    )
    now = timezone.now()
    rows: list[IndicatorValue] = []
    city_defs = [
        _Def(
            code=i.code,
            name=i.name,
            unit=i.unit,
            formula=i.formula,
            base_year=i.base_year,
            base_value=i.base_value,
            target_year=i.target_year,
            target_op=i.target_op,
            target_value=i.target_value,
            higher_is_better=i.direction == "higher",
        )
        for i in plan.indicators.all()
    ]
    officials = indicators.OfficialIndex(plan.code)
    rows += _evaluate_defs(city_defs, plan, target_years, indicators.CITY, now, officials)
    for unit_defs, scope in _spatial_unit_defs(plan):
        rows += _evaluate_defs(unit_defs, plan, target_years, scope, now, officials)
    with transaction.atomic():
        IndicatorValue.objects.filter(plan_code=plan_code, year__in=target_years).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=500)
        _snapshots_write(plan_code=plan_code, years=target_years, now=now)
    return rows


def _snapshots_write(*, plan_code: str, years: list[int], now: datetime) -> None:
    """Serialise the stored values once, per year and scope, for the indicator endpoint (read back
    from the table so that the snapshot is byte for byte what a read of the rows would render)."""
    groups: dict[tuple[int, str], list[IndicatorValue]] = defaultdict(list)
    for v in IndicatorValue.objects.filter(plan_code=plan_code, year__in=years):
        groups[(v.year, v.spatial_unit_code)].append(v)
    IndicatorSnapshot.objects.filter(plan_code=plan_code, year__in=years).delete()
    IndicatorSnapshot.objects.bulk_create(
        [
            IndicatorSnapshot(
                plan_code=plan_code,
                year=year,
                spatial_unit_code=unit,
                payload=presenters.indicator_values_json(plan_code=plan_code, year=year, values=values),
                computed_at=now,
            )
            for (year, unit), values in groups.items()
        ],
        batch_size=200,
    )


def _evaluate_defs(
    defs: list[_Def],
    plan: Any,
    years: list[int],
    scope: indicators.Scope,
    now: datetime,
    officials: indicators.OfficialIndex,
) -> list[IndicatorValue]:
    rows = []
    for d in defs:
        by_year: dict[int, tuple[indicators.Evaluation, OfficialFigure | None]] = {}
        for year in sorted(set(years) | {plan.base_year}):
            ev = (
                indicators.evaluate(
                    d.formula, year=year, scope=scope, plan_code=plan.code, officials=officials
                )
                if d.formula
                else None
            )
            official = officials.get(code=d.code, year=year, scope=scope)
            by_year[year] = (ev or indicators.Evaluation(None), official)
        base_year, base_value = d.base_year, d.base_value
        if base_value is None:
            # No base in the plan (e.g. a unit's total output): the headline of the plan's base year.
            ev, official = by_year[plan.base_year]
            base_year, base_value = plan.base_year, _headline(ev.value, official)[0]
        for year in years:
            ev, official = by_year[year]
            value, source = _headline(ev.value, official)
            rows.append(
                IndicatorValue(
                    plan_code=plan.code,
                    indicator_code=d.code,
                    spatial_unit_code=d.spatial_unit_code,
                    year=year,
                    name=d.name,
                    unit=d.unit,
                    computed_value=ev.value,
                    computed_as_of=ev.as_of,
                    coverage=ev.coverage,
                    components=ev.components,
                    official_value=official.value if official else None,
                    official_source=official.source_document if official else "",
                    official_entered_at=official.entered_at if official else None,
                    headline_value=value,
                    headline_source=source,
                    base_year=base_year,
                    base_value=base_value,
                    target_year=d.target_year,
                    target_op=d.target_op,
                    target_value=d.target_value,
                    computed_at=now,
                    **_progress_fields(
                        base_year=base_year,
                        base_value=base_value,
                        year=year,
                        value=value,
                        target_year=d.target_year,
                        target_op=d.target_op,
                        target_value=d.target_value,
                        higher_is_better=d.higher_is_better,
                    ),
                )
            )
    return rows


_UNIT_SCALE = {"亿元": 0.0001, "万元": 1.0, "万人": 0.0001, "人": 1.0}
_MEASURE_NAMES = {"total_output": "文化产业总产出", "value_added": "文化产业增加值", "revenue": "营业收入"}


def _spatial_unit_defs(plan: Any) -> list[tuple[list[_Def], indicators.Scope]]:
    """Each unit: its total output and value added (亿元), its targets, and — for a group of districts —
    its share of the city's total output. Units overlap; they are never added into a city total."""
    out = []
    units = plan.spatial_units.prefetch_related("district_links", "platform_links", "targets")
    for unit in units:
        area = selectors.AreaSpec(
            code=unit.code,
            name=unit.name,
            district_ids=[link.district_id for link in unit.district_links.all()],
            platform_ids=[link.platform_id for link in unit.platform_links.all()],
        )
        scope = indicators.Scope(
            area=area, area_kind=OfficialFigure.AreaKind.SPATIAL_UNIT, area_code=unit.code
        )
        targets = {t.measure: t for t in unit.targets.all()}
        defs = []
        for measure in ("total_output", "value_added"):
            t = targets.get(measure)
            unit_name = t.unit if t else "亿元"
            defs.append(
                _Def(
                    code=measure,
                    name=f"{unit.name}{_MEASURE_NAMES[measure]}",
                    unit=unit_name,
                    formula={
                        "kind": "aggregate",
                        "measure": measure,
                        "scale": _UNIT_SCALE.get(unit_name, 1.0),
                    },
                    base_year=None,
                    base_value=None,
                    target_year=t.year if t else None,
                    target_op=t.op if t else "",
                    target_value=t.value if t else None,
                    spatial_unit_code=unit.code,
                )
            )
        if area.district_ids:
            # The unit's share of the city's total output (the western five counties: 4% in 2020).
            defs.append(
                _Def(
                    code="total_output_share",
                    name=f"{unit.name}文化产业总产出占全市比重",
                    unit="%",
                    formula={"kind": "unit_share", "measure": "total_output"},
                    base_year=None,
                    base_value=None,
                    target_year=None,
                    target_op="",
                    target_value=None,
                    spatial_unit_code=unit.code,
                )
            )
        out.append((defs, scope))
    return out


# --- after an import / on demand ---------------------------------------------------------------


def stats_recompute(
    *, years: Iterable[int] | None = None, partitions: Iterable[Iterable[int]] | None = None
) -> dict[str, Any]:
    """Everything derived, for `years` or all: rollup, validation results, stored indicator values of
    every loaded plan. What an import calls (with the years and (year, district) partitions it touched)
    and `stats recompute` runs. With `partitions` the rollup recomputes only those."""
    from wenchuang.plan.models import Plan

    if partitions is not None:
        from wenchuang.stats.partitions import normalise

        partitions = normalise(partitions)
        years = sorted({y for y, _ in partitions} | {int(y) for y in years or ()})
    result = rollup_refresh(years=years, partitions=partitions)
    violations = validation_run(years=result.years)
    n_values = 0
    for plan_code in Plan.objects.values_list("code", flat=True):
        n_values += len(
            indicator_values_recompute(plan_code=plan_code, years=None if years is None else result.years)
        )
    return {
        "years": result.years,
        "cells": result.cells,
        "source_rows": result.source_rows,
        "refreshed_at": result.refreshed_at.isoformat(),
        "indicator_values": n_values,
        "violations": violations["total"],
    }


def validation_run(*, years: Iterable[int] | None = None) -> dict[str, Any]:
    """Run every active validation rule over the enterprise-years of `years` (or all); the violations
    found replace those previously listed for these years."""
    return validation.run(years=years)


def stats_recompute_enqueue(
    *, years: Iterable[int] | None = None, partitions: Iterable[Iterable[int]] | None = None
) -> None:
    """Queue `stats_recompute` for after the current transaction commits (what an import calls with the
    years and partitions it touched): the worker sees the committed rows, and a rolled-back import
    queues nothing."""
    from wenchuang.stats.partitions import normalise
    from wenchuang.stats.tasks import stats_recompute_task

    payload = None if years is None else sorted({int(y) for y in years})
    parts = None if partitions is None else [list(p) for p in normalise(partitions)]
    transaction.on_commit(lambda: stats_recompute_task.enqueue(years=payload, partitions=parts))
