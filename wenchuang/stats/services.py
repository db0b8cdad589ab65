"""Writes of the statistics engine: rollup refresh, official figures, indicator recomputation,
validation runs. Keyword-only; each opens its own transaction."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.stats import engine, formulas, indicators, presenters, progress, rollup, selectors, validation
from wenchuang.stats.models import (
    IndicatorSnapshot,
    IndicatorValue,
    IndicatorValueFields,
    OfficialFigure,
    Publication,
    PublishedPayload,
    PublishedValue,
)


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


def official_gap(*, years: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """For every city official figure of an indicator whose formula is a micro-data aggregate (value
    added, total output, employment): the value computed afresh from the rollup, the official value,
    the coverage (computed ÷ official) and the gap — what `stats reconcile` reports beside its cell
    checks. Missing micro data gives no coverage (never a zero)."""
    from wenchuang.plan.models import Indicator

    aggregates = {
        (i.plan.code, i.code): i
        for i in Indicator.objects.select_related("plan")
        if i.formula and i.formula.get("kind") == "aggregate"
    }
    figures = OfficialFigure.objects.filter(area_kind=OfficialFigure.AreaKind.CITY).order_by("code", "year")
    if years is not None:
        figures = figures.filter(year__in=list(years))
    out = []
    for fig in figures:
        for (plan_code, code), ind in aggregates.items():
            if code != fig.code or fig.plan_code not in ("", plan_code):
                continue
            computed = indicators.evaluate(ind.formula or {}, year=fig.year, plan_code=plan_code).value
            official = fig.value
            if fig.unit != ind.unit and fig.unit in indicators.TO_WAN and ind.unit in indicators.TO_WAN:
                official = official * indicators.TO_WAN[fig.unit] / indicators.TO_WAN[ind.unit]
            coverage = None if computed is None or not official else float(computed / official)
            out.append(
                {
                    "plan": plan_code,
                    "indicator": code,
                    "year": fig.year,
                    "unit": ind.unit,
                    "official": str(official.quantize(Decimal("0.01"))),
                    "computed": None if computed is None else str(computed.quantize(Decimal("0.01"))),
                    "gap": None if computed is None else str((official - computed).quantize(Decimal("0.01"))),
                    "coverage": coverage,
                    "reliability": fig.reliability,
                    "source_document": fig.source_document,
                }
            )
    return out


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
    reliability: str = OfficialFigure.Reliability.VERIFIED,
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
    if reliability not in OfficialFigure.Reliability.values:
        labels = "、".join(f"{v}（{lbl}）" for v, lbl in OfficialFigure.Reliability.choices)
        raise OfficialFigureError(f"数据可靠性“{reliability}”无效，可用：{labels}")
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
                "reliability": reliability,
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

SOURCE_LABELS: dict[str, str] = {
    IndicatorValue.Source.OFFICIAL: "官方数据",
    IndicatorValue.Source.COMPUTED: "微观数据计算",
    IndicatorValue.Source.ESTIMATE: "估算数",
    IndicatorValue.Source.NONE: "暂无数据",
}
_RELIABILITY_RANK = {"verified": 0, "": 0, "provisional": 1, "estimate": 2}


def _choose(ev: indicators.Evaluation, official: OfficialFigure | None, unit: str) -> indicators.Chosen:
    """The precedence (docs/statistics.md): an entered figure (official; `estimate` when entered as an
    estimate) over the computed value; a derived value takes the weakest source of its inputs."""
    if official is not None:
        source = (
            IndicatorValue.Source.ESTIMATE
            if official.reliability == OfficialFigure.Reliability.ESTIMATE
            else IndicatorValue.Source.OFFICIAL
        )
        value = official.value
        if official.unit != unit and official.unit in indicators.TO_WAN and unit in indicators.TO_WAN:
            value = indicators.quantize(value * indicators.TO_WAN[official.unit] / indicators.TO_WAN[unit])
        return indicators.Chosen(
            value, unit, source, official.reliability, official.source_document, official.entered_at
        )
    if ev.value is None:
        return indicators.Chosen(None, unit, IndicatorValue.Source.NONE)
    if not ev.components.get("derived"):
        return indicators.Chosen(ev.value, unit, IndicatorValue.Source.COMPUTED, "", "", ev.as_of)
    inputs = [ev.components.get(side) or {} for side in ("numerator", "denominator")]
    sources = {i.get("source", "computed") for i in inputs}
    if IndicatorValue.Source.COMPUTED in sources:
        source = IndicatorValue.Source.COMPUTED
    elif IndicatorValue.Source.ESTIMATE in sources:
        source = IndicatorValue.Source.ESTIMATE
    else:
        source = IndicatorValue.Source.OFFICIAL
    reliability = max((i.get("reliability", "") for i in inputs), key=lambda r: _RELIABILITY_RANK.get(r, 0))
    documents = "；".join(dict.fromkeys(i["document"] for i in inputs if i.get("document")))
    return indicators.Chosen(ev.value, unit, source, reliability, documents, ev.as_of)


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
    if target_value is None or target_year is None:
        return {"status": "", "status_label": "", "explanation": "无目标，不评估进度。"}
    target = progress.Target(float(target_value), target_year, target_op or ">=", higher_is_better)
    if value is None:
        p = progress.assess(
            base_year=base_year or year, base_value=0.0, latest_year=None, latest_value=None, target=target
        )
    elif base_year is not None and year < base_year:
        return {
            "status": "",
            "status_label": "",
            "explanation": f"{year}年早于基期年{base_year}年，不评估进度。",
        }
    elif base_year is None or base_value is None:
        p = progress.level_verdict(year=year, value=float(value), target=target)
    else:
        p = progress.assess(
            base_year=base_year,
            base_value=float(base_value),
            latest_year=year,
            latest_value=float(value),
            target=target,
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
        "target_ratio": _finite(p.target_ratio),
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

    @property
    def refs(self) -> set[str]:
        f = self.formula or {}
        if f.get("kind") == "series":
            return {f["indicator"]}
        return {
            op["indicator"]
            for op in (f.get("numerator"), f.get("denominator"))
            if isinstance(op, dict) and op.get("indicator")
        }


def _in_dependency_order(defs: list[_Def]) -> list[_Def]:
    """Inputs before the indicators derived from them (the plan loader refuses unknown references;
    a cycle is evaluated in file order, its references then reading no value)."""
    done: set[str] = set()
    out: list[_Def] = []
    pending = list(defs)
    while pending:
        ready = [d for d in pending if d.refs <= done]
        if not ready:
            ready = pending
        for d in ready:
            out.append(d)
            done.add(d.code)
        pending = [d for d in pending if d.code not in done]
    return out


def indicator_values_recompute(*, plan_code: str, years: Iterable[int] | None = None) -> list[IndicatorValue]:
    """Evaluate every indicator of the plan (and every spatial unit's measures and targets) for `years`
    (default: every year with micro data or an official figure, plus the plan's base year), choose one
    value per indicator-year (official over computed), derive ratios and series from the chosen values
    of their inputs, assess progress on the chosen value, and store all of it. Idempotent."""
    rows, target_years, now = _indicator_values_evaluate(plan_code=plan_code, years=years)
    with transaction.atomic():
        IndicatorValue.objects.filter(plan_code=plan_code, year__in=target_years).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=500)
        _snapshots_write(plan_code=plan_code, years=target_years, now=now)
    return rows


def _indicator_values_evaluate(
    *, plan_code: str, years: Iterable[int] | None
) -> tuple[list[IndicatorValue], list[int], datetime]:
    """The indicator values a recompute would store now (nothing written)."""
    from wenchuang.plan.models import Plan  # plan imports nothing from stats; keep the edge one-way

    plan = Plan.objects.get(code=plan_code)
    target_years = sorted(
        set(years)
        if years is not None
        else set(indicators.years_with_data([plan.base_year], plan_code=plan.code))
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
    rows += _evaluate_defs(city_defs, plan, target_years, indicators.plan_scope(plan), now, officials)
    for unit_defs, scope in _spatial_unit_defs(plan):
        rows += _evaluate_defs(unit_defs, plan, target_years, scope, now, officials)
    return rows, target_years, now


def indicator_values_reconcile(*, years: Iterable[int] | None = None) -> list[str]:
    """Compare the stored indicator values of every loaded plan with what the current rollup and
    official figures give (a recompute interrupted between the rollup and the values leaves them stale).
    Returns the differences in Chinese; empty when they agree."""
    from wenchuang.plan.models import Plan

    problems: list[str] = []
    for plan_code in Plan.objects.values_list("code", flat=True):
        stored_qs = IndicatorValue.objects.filter(plan_code=plan_code)
        if years is not None:
            stored_qs = stored_qs.filter(year__in=list(years))
        stored = {(v.indicator_code, v.spatial_unit_code, v.year): v for v in stored_qs}
        want_years = sorted({y for _, _, y in stored}) if years is None else sorted(set(years))
        if years is None:
            want_years = sorted(set(want_years) | set(indicators.years_with_data([], plan_code=plan_code)))
        rows, _, _ = _indicator_values_evaluate(plan_code=plan_code, years=want_years)
        fresh = {(v.indicator_code, v.spatial_unit_code, v.year): v for v in rows}
        for key in sorted(set(stored) | set(fresh), key=str):
            have, want = stored.get(key), fresh.get(key)
            where = f"{plan_code} {key[0]}{'@' + key[1] if key[1] else ''} {key[2]}年"
            if have is None or want is None:
                problems.append(f"{where}：{'缺少已存指标值' if have is None else '多出已存指标值'}")
                continue
            for field in ("computed_value", "headline_value", "headline_source"):
                a, b = getattr(want, field), getattr(have, field)
                if isinstance(a, Decimal) and isinstance(b, Decimal):
                    same = a.quantize(Decimal("0.0001")) == b.quantize(Decimal("0.0001"))
                else:
                    same = a == b
                if not same:
                    problems.append(
                        f"{where}：{field} 应为 {a}，已存 {b}（请运行 wenchuang stats recompute）"
                    )
    return problems


def _snapshots_write(*, plan_code: str, years: list[int], now: datetime) -> None:
    """Serialise the stored values once, per year and scope, for the indicator endpoint (read back
    from the table so that the snapshot is byte for byte what a read of the rows would render)."""
    # A year's first-met years depend on the years before it: rewrite every stored year from the
    # earliest recomputed one on.
    stored = list(IndicatorValue.objects.filter(plan_code=plan_code))
    first_met = presenters.first_met_years(stored)
    since = min(years, default=0)
    groups: dict[tuple[int, str], list[IndicatorValue]] = defaultdict(list)
    for v in stored:
        if v.year >= since:
            groups[(v.year, v.spatial_unit_code)].append(v)
    IndicatorSnapshot.objects.filter(plan_code=plan_code, year__gte=since).delete()
    IndicatorSnapshot.objects.bulk_create(
        [
            IndicatorSnapshot(
                plan_code=plan_code,
                year=year,
                spatial_unit_code=unit,
                payload=presenters.indicator_values_json(
                    plan_code=plan_code, year=year, values=values, first_met=first_met
                ),
                computed_at=now,
            )
            for (year, unit), values in groups.items()
        ],
        batch_size=200,
    )


def basis_note(*, base_year: int, base_source: str, year: int, source: str, from_plan: bool) -> str:
    """The 口径 note of a growth between the base and a later value of different sources ('' when the
    sources agree or a value is missing): the figure is kept, marked and explained."""
    if year <= base_year or not base_source or source in ("", "none") or base_source == source:
        return ""
    base_label = "规划公布的基期值（官方数据）" if from_plan else SOURCE_LABELS.get(base_source, base_source)
    return (
        f"口径不同：{base_year}年基期值为{base_label}，{year}年值为{SOURCE_LABELS.get(source, source)}，"
        "年均增速与进度比R跨口径计算，仅供参考。"
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
    chosen: dict[tuple[str, int], indicators.Chosen] = {}
    raw: dict[tuple[str, int], tuple[indicators.Evaluation, OfficialFigure | None]] = {}
    all_years = sorted(set(years) | {plan.base_year})
    for d in _in_dependency_order(defs):
        formula = d.formula or {}
        for year in all_years:
            if formula.get("kind") == "series":
                # The same series as another indicator: its raw values and its chosen value, untouched.
                ref = formula["indicator"]
                ev, official = raw.get((ref, year), (indicators.Evaluation(None), None))
                chosen[(d.code, year)] = chosen.get((ref, year)) or indicators.Chosen(
                    None, d.unit, IndicatorValue.Source.NONE
                )
                raw[(d.code, year)] = (ev, official)
                continue
            ev = (
                indicators.evaluate(
                    formula, year=year, scope=scope, plan_code=plan.code, officials=officials, chosen=chosen
                )
                if formula
                else indicators.Evaluation(None)
            )
            official = officials.get(code=d.code, year=year, scope=scope)
            raw[(d.code, year)] = (ev, official)
            chosen[(d.code, year)] = _choose(ev, official, d.unit)
        base_year, base_value, from_plan = d.base_year, d.base_value, True
        base_source = IndicatorValue.Source.OFFICIAL if base_value is not None else ""
        if base_value is None:
            # No base in the plan (a unit's total output, the GDP share): the chosen value of the plan's
            # base year, with its own source.
            base = chosen[(d.code, plan.base_year)]
            base_year, base_value, base_source, from_plan = plan.base_year, base.value, base.source, False
            if base_value is None:
                base_year, base_source = None, ""
        for year in years:
            ev, official = raw[(d.code, year)]
            c = chosen[(d.code, year)]
            note = basis_note(
                base_year=base_year or year,
                base_source=base_source,
                year=year,
                source=c.source,
                from_plan=from_plan,
            )
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
                    headline_value=c.value,
                    headline_source=c.source,
                    headline_reliability=c.reliability,
                    headline_document=c.document,
                    headline_as_of=c.as_of,
                    base_source=base_source,
                    basis_note=note,
                    mixed_sources=bool(note),
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
                        value=c.value,
                        target_year=d.target_year,
                        target_op=d.target_op,
                        target_value=d.target_value,
                        higher_is_better=d.higher_is_better,
                    ),
                )
            )
    return rows


_UNIT_SCALE = {"亿元": 0.0001, "万元": 1.0, "万人": 0.0001, "人": 1.0}


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
                    name=f"{unit.name}{formulas.MEASURE_LABELS[measure][0]}",
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


# --- publication: nothing reaches the public unpublished ----------------------------------------------

PUBLISHER_ROLES = ("city_admin",)
_VALUE_FIELDS = [
    f.name
    for f in IndicatorValueFields._meta.get_fields()
    if getattr(f, "concrete", False) and not getattr(f, "primary_key", False)
]


class PublicationError(DomainError, ValueError):
    """A publication the rules refuse (no figures, missing reason, nothing to withdraw)."""


def _check_publisher(user: Any, system: bool = False) -> None:
    # The operator's command line (set-up, `wenchuang stats publish`) publishes without a user.
    if system and user is None:
        return
    if getattr(user, "role", None) not in PUBLISHER_ROLES:
        raise ForbiddenError("只有市级管理员可以发布或撤回统计数据")


def publication_publish(*, user: Any, plan_code: str, reason: str = "", system: bool = False) -> Publication:
    """Publish the plan's working figures as the next version: copy every stored indicator value (all
    years, the city and every spatial unit) and the indicator endpoint's JSON, record what changed
    against the version the public saw, and make it the one the public reads (the previous one
    becomes 已被替代); the public breakdowns of the plan period's rollup years are frozen afterwards by
    a background job (`publication_breakdowns_freeze`). A revision (version 2 onwards) needs a reason.
    One transaction; audited; transitions logged."""
    from wenchuang.plan.models import Plan
    from wenchuang.stats import publication

    _check_publisher(user, system)
    reason = (reason or "").strip()
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise PublicationError(f"规划“{plan_code}”不存在")
    working = list(IndicatorValue.objects.filter(plan_code=plan.code).order_by())
    if not working:
        raise PublicationError("尚无指标值，无法发布（请先汇总并计算指标值）")
    with transaction.atomic():
        last = Publication.objects.select_for_update().filter(plan_code=plan.code).order_by("-number").first()
        if last is not None and not reason:
            raise PublicationError("修订发布须填写修订原因")
        current = Publication.objects.filter(plan_code=plan.code, state=Publication.State.PUBLISHED).first()
        before = (
            [publication.figure_from(v) for v in PublishedValue.objects.filter(publication=current)]
            if current is not None
            else []
        )
        changes = publication.diff(before, [publication.figure_from(v) for v in working])
        number = (last.number if last else 0) + 1
        if current is not None:
            current.supersede(by=user, description=f"被第{number}版替代")
            current.save()
        years = sorted({v.year for v in working})
        version = Publication.objects.create(
            plan_code=plan.code,
            number=number,
            reason=reason or "首次发布",
            published_by=user if getattr(user, "is_authenticated", False) else None,
            published_at=timezone.now(),
            years=years,
            value_count=len(working),
            changes=[c.as_dict() for c in changes],
        )
        PublishedValue.objects.bulk_create(
            [
                PublishedValue(publication=version, **{f: getattr(v, f) for f in _VALUE_FIELDS})
                for v in working
            ],
            batch_size=1000,
        )
        snapshots = IndicatorSnapshot.objects.filter(plan_code=plan.code).order_by()
        PublishedPayload.objects.bulk_create(
            [
                PublishedPayload(
                    publication=version,
                    kind=PublishedPayload.Kind.INDICATORS,
                    year=s.year,
                    key=s.spatial_unit_code,
                    payload=s.payload,
                )
                for s in snapshots
            ],
            batch_size=500,
        )
        # The breakdowns take minutes on a city's data: a background job freezes them, year by year,
        # only while the year's rollup is still the one published here (its refresh stamp).
        version.rollup_stamps = {
            str(y.year): y.refreshed_at.isoformat()
            for y in selectors.rollup_years()
            if plan.base_year <= y.year <= max(plan.end_year, plan.base_year)
        }
        version.save(update_fields=["rollup_stamps"])
        from wenchuang.stats.tasks import publication_breakdowns_task

        transaction.on_commit(lambda: publication_breakdowns_task.enqueue(version.pk))
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=version,
            detail={
                "action": "publication_publish",
                "plan": plan.code,
                "number": number,
                "reason": version.reason,
                "values": len(working),
                "changes": len(changes),
            },
        )
    return version


def publication_withdraw(*, user: Any, version: Publication, reason: str) -> Publication:
    """Withdraw the version the public reads (with a reason): the latest replaced version becomes the
    public one again, or, for a first version, the public sees 暂无已发布数据."""
    _check_publisher(user)
    reason = (reason or "").strip()
    if not reason:
        raise PublicationError("撤回须填写原因")
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=version.pk)
        try:
            locked.withdraw(by=user, description=reason)
        except TransitionNotAllowed as exc:
            raise ConflictError(f"{locked.label}{locked.get_state_display()}，不能撤回") from exc
        locked.withdrawn_reason = reason
        locked.withdrawn_at = timezone.now()
        locked.save()
        previous = (
            Publication.objects.filter(plan_code=locked.plan_code, state=Publication.State.SUPERSEDED)
            .order_by("-number")
            .first()
        )
        if previous is not None:
            previous.reinstate(by=user, description=f"第{locked.number}版撤回后恢复")
            previous.save()
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=locked,
            detail={
                "action": "publication_withdraw",
                "plan": locked.plan_code,
                "number": locked.number,
                "reason": reason,
                "reinstated": previous.number if previous else None,
            },
        )
    return locked


def publication_breakdowns_freeze(*, version: Publication) -> list[int]:
    """Freeze a version's public, suppressed breakdowns and district totals, one year at a time, for
    each year whose rollup has not been refreshed since the version was published (a later refresh
    would hold unpublished figures: that year's breakdowns stay unpublished in this version). Returns
    the years frozen. Idempotent: a year already frozen is skipped."""
    from wenchuang.plan.models import Plan
    from wenchuang.stats import breakdowns
    from wenchuang.stats.models import RollupYear

    plan = Plan.objects.filter(code=version.plan_code).first()
    if plan is None:
        return []
    frozen: list[int] = []
    for year_text, stamp in sorted(version.rollup_stamps.items()):
        year = int(year_text)
        if year in version.breakdown_years:
            continue
        with transaction.atomic():
            now = RollupYear.objects.select_for_update().filter(year=year).first()
            if now is None or now.refreshed_at.isoformat() != stamp:
                continue
            PublishedPayload.objects.bulk_create(
                [
                    PublishedPayload(
                        publication=version,
                        kind=kind,
                        year=y,
                        key=key,
                        payload=json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
                    )
                    for kind, y, key, body in breakdowns.public_payloads(plan=plan, years=[year])
                ],
                batch_size=500,
            )
            version.breakdown_years = sorted({*version.breakdown_years, year})
            Publication.objects.filter(pk=version.pk).update(breakdown_years=version.breakdown_years)
        frozen.append(year)
    return frozen
