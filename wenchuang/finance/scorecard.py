"""The credit scorecard as data, and its evaluation (pure: no database).

A points table is a JSON-able dict: {"attributes": [{"code", "label", "unit", "bands": [...]}, ...],
"grades": [{"grade", "min"}, ...]}. A band gives points to a value: `{"eq": v}` for a category or a
flag, `{"gte": a, "lt": b}` for an interval (either end open), the first matching band wins; a value
that is missing (None) matches no band and gets 0 points, shown as 暂无数据. The maximum points of all
attributes add up to 1000. The same table is evaluated here for one enterprise (with the reasons and
what would raise the score, PIPL Art. 24) and turned into SQL by finance.scoring for all enterprises.

The shipped default (`DEFAULT_TABLE`) is an expert-weighted table: the weights follow the usual
structure of SME credit ratings (tax compliance and stability first, then growth, profitability, size,
innovation, recognition and compliance records) and are documented in docs/finance.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_TOTAL = 1000

# Attribute code → the CreditScore column that keeps its points. The set is fixed by the facts the
# platform holds; versions of the table change bands and points, not attributes.
ATTRIBUTES: tuple[str, ...] = (
    "tax_grade",
    "years",
    "growth",
    "margin",
    "employees",
    "ip",
    "awards",
    "listed",
    "key",
    "park",
    "penalties",
    "social",
)

DEFAULT_VERSION = "2026.1"
DEFAULT_NAME = "文化企业信用评分表（专家权重）"
DEFAULT_METHOD = (
    "专家打分法：按纳税信用、经营稳定性、成长性、盈利能力、规模、创新（著作权与专利）、荣誉、"
    "市场地位（上市、重点企业、入驻园区）、合规记录（行政处罚）与社保连续性十二项计分，满分1000分。"
    "各项取所在分档的分值；缺少数据的项记0分并提示补充。"
)

DEFAULT_TABLE: dict[str, Any] = {
    "attributes": [
        {
            "code": "tax_grade",
            "label": "纳税信用等级",
            "unit": "",
            "bands": [
                {"eq": "A", "points": 200, "label": "A级"},
                {"eq": "B", "points": 150, "label": "B级"},
                {"eq": "M", "points": 110, "label": "M级（新设立等）"},
                {"eq": "C", "points": 40, "label": "C级"},
                {"eq": "D", "points": 0, "label": "D级"},
            ],
        },
        {
            "code": "years",
            "label": "经营年限",
            "unit": "年",
            "bands": [
                {"gte": 10, "points": 100},
                {"gte": 5, "lt": 10, "points": 75},
                {"gte": 3, "lt": 5, "points": 50},
                {"gte": 1, "lt": 3, "points": 25},
                {"lt": 1, "points": 0},
            ],
        },
        {
            "code": "growth",
            "label": "营业收入增长率",
            "unit": "%",
            "bands": [
                {"gte": 20, "points": 100},
                {"gte": 10, "lt": 20, "points": 80},
                {"gte": 0, "lt": 10, "points": 50},
                {"gte": -10, "lt": 0, "points": 20},
                {"lt": -10, "points": 0},
            ],
        },
        {
            "code": "margin",
            "label": "营业盈余率（营业盈余÷营业收入）",
            "unit": "%",
            "bands": [
                {"gte": 15, "points": 100},
                {"gte": 8, "lt": 15, "points": 75},
                {"gte": 3, "lt": 8, "points": 50},
                {"gte": 0, "lt": 3, "points": 25},
                {"lt": 0, "points": 0},
            ],
        },
        {
            "code": "employees",
            "label": "从业人员",
            "unit": "人",
            "bands": [
                {"gte": 300, "points": 80},
                {"gte": 100, "lt": 300, "points": 60},
                {"gte": 20, "lt": 100, "points": 40},
                {"gte": 5, "lt": 20, "points": 20},
                {"lt": 5, "points": 0},
            ],
        },
        {
            "code": "ip",
            "label": "著作权与专利",
            "unit": "件",
            "bands": [
                {"gte": 20, "points": 100},
                {"gte": 10, "lt": 20, "points": 75},
                {"gte": 3, "lt": 10, "points": 50},
                {"gte": 1, "lt": 3, "points": 25},
                {"lt": 1, "points": 0},
            ],
        },
        {
            "code": "awards",
            "label": "获奖与荣誉（近三年）",
            "unit": "项",
            "bands": [{"gte": 3, "points": 60}, {"gte": 1, "lt": 3, "points": 40}, {"lt": 1, "points": 0}],
        },
        {
            "code": "listed",
            "label": "上市企业",
            "unit": "",
            "bands": [{"eq": True, "points": 60, "label": "是"}, {"eq": False, "points": 0, "label": "否"}],
        },
        {
            "code": "key",
            "label": "重点（领军）文化企业",
            "unit": "",
            "bands": [{"eq": True, "points": 40, "label": "是"}, {"eq": False, "points": 0, "label": "否"}],
        },
        {
            "code": "park",
            "label": "入驻文化产业园区（平台）",
            "unit": "",
            "bands": [{"eq": True, "points": 30, "label": "是"}, {"eq": False, "points": 0, "label": "否"}],
        },
        {
            "code": "penalties",
            "label": "行政处罚记录（当年）",
            "unit": "次",
            "bands": [{"lt": 1, "points": 80}, {"gte": 1, "lt": 2, "points": 40}, {"gte": 2, "points": 0}],
        },
        {
            "code": "social",
            "label": "社保连续缴纳（近12个月）",
            "unit": "个月",
            "bands": [{"gte": 12, "points": 50}, {"gte": 6, "lt": 12, "points": 25}, {"lt": 6, "points": 0}],
        },
    ],
    "grades": [
        {"grade": "AAA", "min": 800},
        {"grade": "AA", "min": 700},
        {"grade": "A", "min": 600},
        {"grade": "BBB", "min": 500},
        {"grade": "BB", "min": 400},
        {"grade": "B", "min": 300},
        {"grade": "C", "min": 0},
    ],
}


class TableError(ValueError):
    """A points table that cannot be used (message in Chinese)."""


def band_matches(band: Mapping[str, Any], value: Any) -> bool:
    if value is None:
        return False
    if "eq" in band:
        return bool(value == band["eq"])
    if "gte" in band and not value >= band["gte"]:
        return False
    return not ("lt" in band and not value < band["lt"])


def band_label(band: Mapping[str, Any], unit: str) -> str:
    if "label" in band:
        return str(band["label"])
    lo, hi = band.get("gte"), band.get("lt")
    if lo is not None and hi is not None:
        return f"{_num(lo)}–{_num(hi)}{unit}（不含{_num(hi)}）"
    if lo is not None:
        return f"≥{_num(lo)}{unit}"
    return f"<{_num(hi)}{unit}"


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def max_points(attribute: Mapping[str, Any]) -> int:
    return max(int(b["points"]) for b in attribute["bands"])


def validate(table: Mapping[str, Any]) -> None:
    """Raise TableError unless the table covers exactly ATTRIBUTES and its maxima add up to 1000."""
    attrs = table.get("attributes") or []
    codes = [a.get("code") for a in attrs]
    if sorted(codes) != sorted(ATTRIBUTES):
        raise TableError(f"计分表的指标须为{'、'.join(ATTRIBUTES)}，实际为{'、'.join(map(str, codes))}")
    for a in attrs:
        if not a.get("bands"):
            raise TableError(f"指标“{a.get('label', a['code'])}”没有分档")
        for b in a["bands"]:
            if not isinstance(b.get("points"), int) or b["points"] < 0:
                raise TableError(f"指标“{a.get('label')}”的分值须为非负整数")
    total = sum(max_points(a) for a in attrs)
    if total != MAX_TOTAL:
        raise TableError(f"各指标最高分之和须为{MAX_TOTAL}分，实际为{total}分")
    grades = table.get("grades") or []
    if not grades or min(g["min"] for g in grades) != 0:
        raise TableError("信用等级须覆盖0分起的全部分数")


def grade_for(table: Mapping[str, Any], total: int) -> str:
    for g in sorted(table["grades"], key=lambda g: -g["min"]):
        if total >= g["min"]:
            return str(g["grade"])
    return str(table["grades"][-1]["grade"])


@dataclass(frozen=True)
class AttributeResult:
    code: str
    label: str
    value: Any
    value_text: str
    points: int
    max_points: int
    band: str  # the band the value fell in, or 暂无数据
    advice: str  # what would raise the points ("" when at the maximum)


@dataclass(frozen=True)
class ScoreResult:
    total: int
    grade: str
    attributes: tuple[AttributeResult, ...]

    @property
    def points(self) -> dict[str, int]:
        return {a.code: a.points for a in self.attributes}


def _value_text(value: Any, unit: str) -> str:
    if value is None:
        return "暂无数据"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


def _advice(attribute: Mapping[str, Any], value: Any, points: int) -> str:
    unit = attribute.get("unit", "")
    label = attribute["label"]
    better = sorted(
        (b for b in attribute["bands"] if b["points"] > points), key=lambda b: (b["points"], b.get("gte", 0))
    )
    if not better:
        return ""
    if value is None:
        return f"补充提交“{label}”数据后按实际分档计分，最高可得{max_points(attribute)}分"
    nxt = better[0]
    gain = nxt["points"] - points
    if "eq" in nxt:
        return f"{label}达到“{band_label(nxt, unit)}”可增加{gain}分"
    if "gte" in nxt and value < nxt["gte"]:
        return f"{label}达到{_num(nxt['gte'])}{unit}可增加{gain}分"
    if "lt" in nxt and value >= nxt["lt"]:
        return f"{label}降至{_num(nxt['lt'])}{unit}以下可增加{gain}分"
    return f"{label}进入“{band_label(nxt, unit)}”分档可增加{gain}分"


def evaluate(table: Mapping[str, Any], facts: Mapping[str, Any]) -> ScoreResult:
    """Score one enterprise's facts ({attribute code: value or None}) with the table."""
    results = []
    for attribute in table["attributes"]:
        code, unit = attribute["code"], attribute.get("unit", "")
        value = facts.get(code)
        band = next((b for b in attribute["bands"] if band_matches(b, value)), None)
        points = int(band["points"]) if band is not None else 0
        results.append(
            AttributeResult(
                code=code,
                label=attribute["label"],
                value=value,
                value_text=_value_text(value, unit),
                points=points,
                max_points=max_points(attribute),
                band=band_label(band, unit) if band is not None else "暂无数据",
                advice=_advice(attribute, value, points),
            )
        )
    total = sum(r.points for r in results)
    return ScoreResult(total=total, grade=grade_for(table, total), attributes=tuple(results))
