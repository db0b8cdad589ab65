"""Plain-data views of stored statistics (for the CLI, the API, the pages and the reports alike): the
one place for source, reliability and status labels, target display and number formats."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from wenchuang.stats.models import IndicatorValueFields

_SOURCE_LABELS = {
    "official": "官方数据",
    "computed": "微观数据计算",
    "estimate": "估算数",
    "none": "暂无数据",
}
_DERIVED_LABELS = {"official": "据官方数据计算", "computed": "据微观数据计算", "estimate": "据估算数计算"}
_RELIABILITY_LABELS = {"verified": "正式数", "provisional": "初步数", "estimate": "估算数"}
_OPS = {">=": "", ">": ">", "<=": "≤", "<": "<", "~": "左右"}
STATUS_LABELS = {
    "achieved": "已实现目标",
    "on_track": "进展顺利",
    "acceleration_needed": "需加快进度",
    "limited_progress": "进展有限",
    "deterioration": "出现倒退",
    "no_data": "暂无数据",
    "baseline": "基期（尚无进展数据）",
    "not_achieved": "未实现目标",
    "below_target": "尚未达到目标",
}
COUNT_UNITS = {"个", "家", "人", "位", "处", "届"}
COMPLETION_LABELS = {
    "target_ratio": "目标完成率（最新值÷目标值）",
    "completion": "增量完成度（（最新值−基期值）÷（目标值−基期值））",
}


def source_label(source: str, *, derived: bool = False) -> str:
    """The label of a chosen value's source; a derived value says what it was computed from."""
    if derived and source in _DERIVED_LABELS:
        return _DERIVED_LABELS[source]
    return _SOURCE_LABELS.get(source or "none", source)


def reliability_label(reliability: str) -> str:
    return _RELIABILITY_LABELS.get(reliability, "")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status or "暂无数据")


def places_for(unit: str) -> int:
    return 0 if unit in COUNT_UNITS else 2


def num(value: Decimal | float | int | None, places: int = 2) -> str:
    """12,345.67 / 2,285 — grouped, at most `places` decimals, no trailing zeros; — for missing."""
    if value is None:
        return "—"
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    text = f"{d:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pct(value: float | None, places: int = 1) -> str:
    """A share (0.794) as a percentage text (79.4%)."""
    return "—" if value is None else f"{value * 100:.{places}f}%"


def _num(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def _round(value: Decimal | None, places: int = 2) -> str | None:
    if value is None:
        return None
    return _num(value.quantize(Decimal(1).scaleb(-places)))


def target_display(op: str, value: Decimal | None) -> str:
    if value is None:
        return ""
    n = _num(value) or ""
    if op == "~":
        return f"{n}左右"
    return f"{_OPS.get(op, op)}{n}"


def first_met_years(values: Iterable[IndicatorValueFields]) -> dict[tuple[str, str, int], int]:
    """(unit, code, year) → the first year after the base year, up to that year, in which the target
    was met; from a plan's stored rows (nothing after a year is used for that year)."""
    met: dict[tuple[str, str], list[int]] = {}
    years: dict[tuple[str, str], list[int]] = {}
    for v in values:
        key = (v.spatial_unit_code, v.indicator_code)
        years.setdefault(key, []).append(v.year)
        if v.target_met and v.headline_value is not None and v.base_year is not None and v.year > v.base_year:
            met.setdefault(key, []).append(v.year)
    out: dict[tuple[str, str, int], int] = {}
    for key, ys in years.items():
        first = min(met.get(key, []), default=None)
        if first is None:
            continue
        for y in ys:
            if y >= first:
                out[(*key, y)] = first
    return out


def indicator_value_dict(v: IndicatorValueFields, *, first_year_met: int | None = None) -> dict[str, Any]:
    return {
        "code": v.indicator_code,
        "spatial_unit": v.spatial_unit_code,
        "name": v.name,
        "unit": v.unit,
        "year": v.year,
        "value": _round(v.headline_value),
        "source": v.headline_source,
        "source_label": source_label(v.headline_source, derived=bool(v.components.get("derived"))),
        "reliability": v.headline_reliability,
        "reliability_label": reliability_label(v.headline_reliability),
        "document": v.headline_document,
        "as_of": v.headline_as_of.isoformat() if v.headline_as_of else None,
        "basis_note": v.basis_note,
        "computed": {
            "value": _round(v.computed_value),
            "exact": _num(v.computed_value),
            "as_of": v.computed_as_of.isoformat() if v.computed_as_of else None,
            "coverage": v.coverage,
            "components": v.components,
        },
        "official": (
            {
                "value": _num(v.official_value),
                "source_document": v.official_source,
                "entered_at": v.official_entered_at.isoformat() if v.official_entered_at else None,
            }
            if v.official_value is not None
            else None
        ),
        "base": {"year": v.base_year, "value": _num(v.base_value), "source": v.base_source},
        "target": {
            "year": v.target_year,
            "op": v.target_op,
            "value": _num(v.target_value),
            "display": target_display(v.target_op, v.target_value),
        },
        "progress": {
            "status": v.status,
            "status_label": v.status_label,
            "target_met": v.target_met,
            "method": v.method,
            "observed_rate": v.observed_rate,
            "required_rate": v.required_rate,
            "ratio": v.ratio,
            "score": v.score,
            "completion": v.completion,
            "target_ratio": v.target_ratio,
            "first_year_met": first_year_met,
            "mixed_sources": v.mixed_sources,
            "time_share": v.time_share,
            "on_schedule": v.on_schedule,
            "rate_still_required": v.rate_still_required,
            "projected_value": v.projected_value,
            "explanation": v.explanation,
        },
        "computed_at": v.computed_at.isoformat(),
    }


def indicator_values_json(
    *,
    plan_code: str,
    year: int,
    values: Iterable[IndicatorValueFields],
    first_met: dict[tuple[str, str, int], int] | None = None,
) -> str:
    """The indicator endpoint's body (also stored as `IndicatorSnapshot.payload`)."""
    first_met = first_met or {}
    rows = [
        indicator_value_dict(v, first_year_met=first_met.get((v.spatial_unit_code, v.indicator_code, v.year)))
        for v in values
    ]
    return json.dumps(
        {"plan": plan_code, "year": year, "indicators": rows},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
