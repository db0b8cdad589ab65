"""Plain-data views of stored statistics (for the CLI, the API and templates alike)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from wenchuang.stats.models import IndicatorValue

_SOURCE_LABELS = {"official": "官方数据", "computed": "微观数据计算", "none": "暂无数据"}
_OPS = {">=": "", ">": ">", "<=": "≤", "<": "<", "~": "左右"}


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


def indicator_value_dict(v: IndicatorValue) -> dict[str, Any]:
    return {
        "code": v.indicator_code,
        "spatial_unit": v.spatial_unit_code,
        "name": v.name,
        "unit": v.unit,
        "year": v.year,
        "value": _round(v.headline_value),
        "source": v.headline_source,
        "source_label": _SOURCE_LABELS.get(v.headline_source, v.headline_source),
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
        "base": {"year": v.base_year, "value": _num(v.base_value)},
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
            "time_share": v.time_share,
            "on_schedule": v.on_schedule,
            "rate_still_required": v.rate_still_required,
            "projected_value": v.projected_value,
            "explanation": v.explanation,
        },
        "computed_at": v.computed_at.isoformat(),
    }


def indicator_values_json(*, plan_code: str, year: int, values: Iterable[IndicatorValue]) -> str:
    """The indicator endpoint's body (also stored as `IndicatorSnapshot.payload`)."""
    return json.dumps(
        {"plan": plan_code, "year": year, "indicators": [indicator_value_dict(v) for v in values]},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
