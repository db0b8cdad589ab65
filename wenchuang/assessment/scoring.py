"""The annual assessment score of one unit, pure: how every point is earned, by the published method.

Method rules (a version's `rules`):
  default_weight   weight of a task not named in `weights`
  weights          {task code or programme code: weight}; a task code wins over its programme's
  overdue_deduction points off for each milestone past its due date with no report at all
  late_deduction   points off for each milestone whose counted report came after the due date
  bonus_cap        at most this many bonus points in a year
  deduction_cap    at most this many points off in a year (deductions of all kinds)

Score = Σ over the unit's milestones of the year: 100 × weight ÷ Σ weights × achievement
        − min(deductions, deduction_cap) + min(bonus, bonus_cap)
(the lines rounded to the cent so that they add up to the task score).
Achievement of a milestone: from its latest accepted report; a number measure min(value ÷ target, 1)
(0 when no value), a yes/no measure 1 if done else 0; no accepted report → 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

REQUIRED = ("default_weight", "weights", "overdue_deduction", "late_deduction", "bonus_cap", "deduction_cap")
Q2 = Decimal("0.01")


def check_rules(rules: Any) -> list[str]:
    """Problems with a method's rules, in Chinese (empty when valid)."""
    if not isinstance(rules, dict):
        return ["评分规则应为对象"]
    out = [f"缺少“{k}”" for k in REQUIRED if k not in rules]
    for k in REQUIRED:
        if k == "weights" or k not in rules:
            continue
        try:
            if Decimal(str(rules[k])) < 0:
                out.append(f"“{k}”不能为负数")
        except Exception:
            out.append(f"“{k}”应为数字")
    if "weights" in rules and not isinstance(rules["weights"], dict):
        out.append("“weights”应为对象")
    return out


@dataclass(frozen=True)
class MilestoneInput:
    task_code: str
    programme_code: str
    label: str
    measure: str  # number | yesno
    target: Decimal | None
    due: date
    # the latest accepted report: (value, done, reported_on); None when none is accepted
    accepted: tuple[Decimal | None, bool | None, date] | None
    has_any_report: bool


@dataclass(frozen=True)
class AdjustmentInput:
    kind: str  # bonus | deduction
    item: str
    points: Decimal
    reason: str


@dataclass
class Line:
    label: str
    detail: str
    points: Decimal


@dataclass
class Sheet:
    lines: list[Line] = field(default_factory=list)
    deductions: list[Line] = field(default_factory=list)
    bonuses: list[Line] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    base: Decimal = Decimal(0)
    deducted: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return (self.base - self.deducted + self.bonus).quantize(Q2, rounding=ROUND_HALF_UP)


def _d(x: Any) -> Decimal:
    return Decimal(str(x))


def weight(rules: dict[str, Any], m: MilestoneInput) -> Decimal:
    w = rules["weights"]
    return _d(w.get(m.task_code, w.get(m.programme_code, rules["default_weight"])))


def _round_lines(lines: list[Line]) -> None:
    """Round each line to the cent so that the lines add up to the rounded sum (largest remainder):
    the sheet's lines always add up to its task score."""
    exact = [line.points for line in lines]
    target = sum(exact, Decimal(0)).quantize(Q2, rounding=ROUND_HALF_UP)
    floors = [x.quantize(Q2, rounding=ROUND_DOWN) for x in exact]
    cents = int((target - sum(floors, Decimal(0))) / Q2)
    order = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[: max(cents, 0)]:
        floors[i] += Q2
    for line, value in zip(lines, floors, strict=True):
        line.points = value


def score(
    *,
    rules: dict[str, Any],
    milestones: list[MilestoneInput],
    adjustments: list[AdjustmentInput],
    today: date,
) -> Sheet:
    sheet = Sheet()
    total_w = sum((weight(rules, m) for m in milestones), Decimal(0))
    for m in milestones:
        w = weight(rules, m)
        full = (Decimal(100) * w / total_w) if total_w else Decimal(0)
        if m.accepted is None:
            ach, why = Decimal(0), "无已认定的报送"
        elif m.measure == "number":
            value = m.accepted[0]
            if value is None or not m.target:
                ach, why = Decimal(0), "未报完成值"
            else:
                ach = min(value / m.target, Decimal(1))
                why = f"完成{value.normalize():f}/目标{m.target.normalize():f}"
        else:
            ach = Decimal(1) if m.accepted[1] else Decimal(0)
            why = "已完成" if m.accepted[1] else "未完成"
        pts = full * ach  # rounded below, all lines together
        pct = (ach * 100).quantize(Decimal("0.1"))
        detail = f"权重{w.normalize():f}（满分{full.quantize(Q2):f}分）× 完成度{pct:f}%（{why}）"
        sheet.lines.append(Line(m.label, detail, pts))
        if not m.has_any_report and m.due < today:
            sheet.overdue.append(m.label)
            sheet.deductions.append(
                Line(m.label, f"逾期未报送（截止{m.due:%Y-%m-%d}）", _d(rules["overdue_deduction"]))
            )
        elif m.accepted is not None and m.accepted[2] > m.due:
            sheet.deductions.append(
                Line(
                    m.label,
                    f"迟报（{m.accepted[2]:%Y-%m-%d}报送，截止{m.due:%Y-%m-%d}）",
                    _d(rules["late_deduction"]),
                )
            )
    _round_lines(sheet.lines)
    sheet.base = sum((line.points for line in sheet.lines), Decimal(0))
    for a in adjustments:
        (sheet.bonuses if a.kind == "bonus" else sheet.deductions).append(Line(a.item, a.reason, a.points))
    raw_ded = sum((line.points for line in sheet.deductions), Decimal(0))
    raw_bonus = sum((line.points for line in sheet.bonuses), Decimal(0))
    sheet.deducted = min(raw_ded, _d(rules["deduction_cap"]))
    sheet.bonus = min(raw_bonus, _d(rules["bonus_cap"]))
    return sheet
