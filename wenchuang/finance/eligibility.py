"""Eligibility of one enterprise for one finance product, condition by condition, with the reason.

A product's rule is a list of conditions `{"fact": "score", "op": ">=", "value": 600, "label": "…"}`
over the enterprise facts below. This module is the narrow interface the finance app uses
(`evaluate(conditions, facts)`); each condition is evaluated as a JsonLogic expression, the form the
shared rule engine stores rules in, so switching to that engine replaces this body only.

Facts: score (总分), grade, tax_grade, years, revenue (万元, latest year), growth (%), employees,
major (文化产业大类代码, "01"–"09"), district (区划代码), above_scale (bool).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from json_logic import jsonLogic

OPS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "为", "!=": "不为", "in": "属于"}
FACT_LABELS = {
    "score": "信用评分",
    "grade": "信用等级",
    "tax_grade": "纳税信用等级",
    "years": "经营年限（年）",
    "revenue": "营业收入（万元）",
    "growth": "营业收入增长率（%）",
    "employees": "从业人员（人）",
    "major": "文化产业大类",
    "district": "所在区县",
    "above_scale": "规模以上企业",
}


class RuleError(ValueError):
    """A condition that cannot be used (message in Chinese)."""


@dataclass(frozen=True)
class ConditionResult:
    label: str
    ok: bool | None  # None: the fact is missing (暂无数据), which does not qualify
    actual: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    conditions: tuple[ConditionResult, ...]

    @property
    def reasons(self) -> list[str]:
        return [f"{'✓' if c.ok else '✗'} {c.label}（当前：{c.actual}）" for c in self.conditions]


def _text(value: Any) -> str:
    if value is None:
        return "暂无数据"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def check(conditions: Sequence[Mapping[str, Any]]) -> None:
    for c in conditions:
        if c.get("fact") not in FACT_LABELS:
            raise RuleError(f"未知的条件项：{c.get('fact')}")
        if c.get("op") not in OPS:
            raise RuleError(f"不支持的比较方式：{c.get('op')}")


def label_of(condition: Mapping[str, Any]) -> str:
    if condition.get("label"):
        return str(condition["label"])
    value = condition["value"]
    shown = "、".join(map(str, value)) if isinstance(value, list) else _text(value)
    return f"{FACT_LABELS[condition['fact']]}{OPS[condition['op']]}{shown}"


def evaluate(conditions: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> Eligibility:
    check(conditions)
    results = []
    for c in conditions:
        actual = facts.get(c["fact"])
        if actual is None:
            ok: bool | None = None
        else:
            ok = bool(jsonLogic({c["op"]: [{"var": "x"}, c["value"]]}, {"x": actual}))
        results.append(ConditionResult(label=label_of(c), ok=ok, actual=_text(actual)))
    return Eligibility(eligible=all(r.ok for r in results), conditions=tuple(results))
