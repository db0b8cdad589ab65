"""The plan's arithmetic in one place, pure (no Django): ratio, growth between two values with the
same-source rule, compound annual growth, coverage, 目标完成率 and 增量完成度. The stored progress
components (`progress.assess`) and every reader (`readmodel`) use these, never a copy of their own.

Growth rule (docs/statistics.md): a growth rate is computed only between two values of the same
source (official with official, computed with computed). Between different sources no rate is given;
the comparison is marked 口径不同 with both sources named.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The plan's formula vocabulary, declared once in plan.schema (the grammar the plan file is checked
# against) and re-exported here for the engine and the readers: nothing else re-declares it.
from wenchuang.plan.schema import FILTER_FIELDS, MEASURES, OFFICIAL_SERIES

# measure → (Chinese name, unit in the micro data)
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "value_added": ("文化产业增加值", "万元"),
    "total_output": ("文化产业总产出", "万元"),
    "revenue": ("营业收入", "万元"),
    "employees": ("从业人员", "人"),
    "exports": ("出口额", "万元"),
    "labor_compensation": ("劳动者报酬", "万元"),
    "net_production_tax": ("生产税净额", "万元"),
    "depreciation": ("固定资产折旧", "万元"),
    "operating_surplus": ("营业盈余", "万元"),
}
assert set(MEASURE_LABELS) == set(MEASURES), "every plan measure needs a label"
__all__ = [
    "FILTER_FIELDS",
    "MEASURES",
    "MEASURE_LABELS",
    "OFFICIAL_SERIES",
    "SOURCE_LABELS",
    "Growth",
    "cagr",
    "coverage",
    "growth",
    "increment_completion",
    "ratio",
    "target_ratio",
]


def cagr(start: float, end: float, years: float) -> float | None:
    """Compound annual growth from start to end over `years`; None from a zero or negative start."""
    if years <= 0 or start <= 0 or end < 0:
        return None
    return (end / start) ** (1.0 / years) - 1.0


SOURCE_LABELS = {
    "official": "官方数据",
    "computed": "微观数据计算",
    "estimate": "估算数",
    "none": "暂无数据",
    "": "暂无数据",
}


def ratio(numerator: Decimal | float | None, denominator: Decimal | float | None) -> float | None:
    """numerator ÷ denominator; None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def target_ratio(value: Decimal | float | None, target: Decimal | float | None) -> float | None:
    """目标完成率 = value ÷ target (None without a value or for a zero target)."""
    return ratio(value, target)


def increment_completion(
    value: Decimal | float | None, base: Decimal | float | None, target: Decimal | float | None
) -> float | None:
    """增量完成度 = (value − base) ÷ (target − base)."""
    if value is None or base is None or target is None:
        return None
    return ratio(float(value) - float(base), float(target) - float(base))


def coverage(micro: Decimal | float | None, official: Decimal | float | None) -> float | None:
    """The enterprise database's coverage of a year: micro-data value ÷ official value."""
    return ratio(micro, official)


@dataclass(frozen=True)
class Growth:
    """A growth between two years: the rate where both values share a source, else a note."""

    rate: float | None
    comparable: bool
    note: str = ""


def growth(
    *,
    value: Decimal | float | None,
    source: str,
    year: int,
    prev_value: Decimal | float | None,
    prev_source: str,
    prev_year: int,
) -> Growth | None:
    """Growth from (prev_year, prev_value) to (year, value), per year (CAGR over more than one year).
    None when a value is missing; not comparable (rate None, 口径不同) when the sources differ."""
    if value is None or prev_value is None or year <= prev_year:
        return None
    if source != prev_source:
        return Growth(
            None,
            False,
            f"口径不同：{prev_year}年为{SOURCE_LABELS.get(prev_source, prev_source)}，"
            f"{year}年为{SOURCE_LABELS.get(source, source)}，不计算增速",
        )
    return Growth(cagr(float(prev_value), float(value), year - prev_year), True)
