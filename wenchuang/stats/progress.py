"""Progress of an indicator towards its target. Pure functions, no Django.

Two readings, both stored with every component so a status can be explained on screen:

* Open SDG / Statistics Canada: R = d · CAGR_observed / |CAGR_required| (d = +1 when higher is better);
  a met target overrides everything. Status: on track R ≥ 0.95, acceleration needed 0.60 ≤ R < 0.95,
  limited progress 0 ≤ R < 0.60, deterioration R < 0. Score −5…+5, piecewise linear in R.
  Unlike Open SDG's default, our default direction is "higher is better".
* 时序进度 (the Chinese planning idiom): completion (latest − base)/(target − base) against the elapsed
  share of the period (year − base year)/(target year − base year). Shown as 增量完成度, beside
  目标完成率 = latest ÷ target.
* At or after the target year there is no "on track": the target is 已实现 or 未实现 (with the gap).
* Without a base value only the level can be judged: 已实现 / 未实现 (target year reached) or 尚未达到.

Where a growth rate is undefined (a base of zero or below), the linear equivalent is used and said so.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from enum import StrEnum

from wenchuang.stats.formulas import cagr, target_ratio

__all__ = ["Progress", "Status", "Target", "assess", "cagr", "level_verdict", "target_ratio"]

ON_TRACK, ACCELERATE, LIMITED = 0.95, 0.60, 0.0
# (R, score) knots of the piecewise-linear score; clamped outside.
_SCORE_KNOTS = ((-0.6, -5.0), (0.0, -2.5), (0.6, 0.0), (0.95, 2.5), (1.3, 5.0))
# "左右" (about) targets count as met within this relative tolerance.
APPROX_TOLERANCE = 0.05


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATE = "acceleration_needed"
    LIMITED = "limited_progress"
    DETERIORATION = "deterioration"
    NO_DATA = "no_data"
    BASELINE = "baseline"  # the latest observation is the base year itself
    NOT_ACHIEVED = "not_achieved"  # the target year is reached and the target is not met
    BELOW_TARGET = "below_target"  # no base value: only the level is judged, not yet met


STATUS_LABELS = {
    Status.ACHIEVED: "已实现目标",
    Status.ON_TRACK: "进展顺利",
    Status.ACCELERATE: "需加快进度",
    Status.LIMITED: "进展有限",
    Status.DETERIORATION: "出现倒退",
    Status.NO_DATA: "暂无数据",
    Status.BASELINE: "基期（尚无进展数据）",
    Status.NOT_ACHIEVED: "未实现目标",
    Status.BELOW_TARGET: "尚未达到目标",
}


@dataclass(frozen=True)
class Target:
    value: float
    year: int
    op: str = ">="  # one of >=, >, <=, <, ~
    higher_is_better: bool = True

    def is_met_by(self, value: float) -> bool:
        if self.op == ">":
            return value > self.value
        if self.op == ">=":
            return value >= self.value
        if self.op == "<":
            return value < self.value
        if self.op == "<=":
            return value <= self.value
        if self.op == "~":
            if self.higher_is_better:
                return value >= self.value * (1 - APPROX_TOLERANCE)
            return value <= self.value * (1 + APPROX_TOLERANCE)
        raise ValueError(f"unknown target operator {self.op!r}")


@dataclass(frozen=True)
class Progress:
    status: Status
    label: str
    base_year: int
    base_value: float
    latest_year: int | None
    latest_value: float | None
    target: Target
    target_met: bool
    method: str  # "cagr" or "linear" (base ≤ 0) or "none"
    observed_rate: float | None  # CAGR (or linear slope / base-free) from base to latest
    required_rate: float | None  # CAGR (or slope) from base to target
    ratio: float | None  # R
    score: float | None
    completion: float | None  # 时序进度: share of the distance covered
    time_share: float | None  # share of the period elapsed
    on_schedule: bool | None  # completion ≥ time share
    rate_still_required: float | None  # per year, from latest to target
    projected_value: float | None  # latest continued at the observed rate to the target year
    explanation: str
    target_ratio: float | None = None  # 目标完成率: latest ÷ target


def gap_text(value: float, target: Target) -> str:
    gap = target.value - value if target.higher_is_better else value - target.value
    return f"距目标尚差{_num(abs(gap))}"


def level_verdict(*, year: int, value: float, target: Target) -> Progress:
    """No base value: judge the level only (met / not met, and at the target year 未实现 with the gap)."""
    met = target.is_met_by(value)
    op = {">": "高于", ">=": "达到", "<": "低于", "<=": "不高于", "~": "约为"}[target.op]
    text = f"{year}年值{_num(value)}，目标为{target.year}年{op}{_num(target.value)}。"
    text += "无基期值，只判断是否达到目标。"
    if met:
        status = Status.ACHIEVED
        text += "已满足目标条件。"
    elif year >= target.year:
        status = Status.NOT_ACHIEVED
        text += f"已到目标年，未实现目标，{gap_text(value, target)}。"
    else:
        status = Status.BELOW_TARGET
        text += f"尚未达到目标，{gap_text(value, target)}。"
    return Progress(
        status,
        STATUS_LABELS[status],
        year,
        value,
        year,
        value,
        target,
        met,
        "none",
        None,
        None,
        None,
        5.0 if met else None,
        None,
        None,
        None,
        None,
        None,
        text,
        target_ratio(value, target.value),
    )


def score_for_ratio(ratio: float) -> float:
    if math.isinf(ratio):
        return 5.0 if ratio > 0 else -5.0
    knots = _SCORE_KNOTS
    if ratio <= knots[0][0]:
        return knots[0][1]
    if ratio >= knots[-1][0]:
        return knots[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(knots):
        if x0 <= ratio <= x1:
            return y0 + (y1 - y0) * (ratio - x0) / (x1 - x0)
    raise AssertionError("unreachable")


def status_for_ratio(ratio: float) -> Status:
    if ratio >= ON_TRACK:
        return Status.ON_TRACK
    if ratio >= ACCELERATE:
        return Status.ACCELERATE
    if ratio >= LIMITED:
        return Status.LIMITED
    return Status.DETERIORATION


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}".rstrip("0").rstrip(".")


def assess(
    *, base_year: int, base_value: float, latest_year: int | None, latest_value: float | None, target: Target
) -> Progress:
    """Assess progress from (base_year, base_value) to the latest observation against the target."""
    if latest_year is None or latest_value is None:
        return Progress(
            Status.NO_DATA,
            STATUS_LABELS[Status.NO_DATA],
            base_year,
            base_value,
            None,
            None,
            target,
            False,
            "none",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "尚无基期之后的观测值，无法评估进度。",
        )
    if latest_year <= base_year:
        return _at_base(base_year=base_year, base_value=base_value, latest_value=latest_value, target=target)
    d = 1.0 if target.higher_is_better else -1.0
    met = target.is_met_by(latest_value)
    elapsed = latest_year - base_year
    period = target.year - base_year
    remaining = target.year - latest_year

    method = "cagr"
    observed = cagr(base_value, latest_value, elapsed)
    required = cagr(base_value, target.value, period)
    if observed is None or required is None:
        # Growth rates are undefined from a zero or negative base: compare yearly absolute changes instead.
        method = "linear"
        observed = (latest_value - base_value) / elapsed if elapsed > 0 else None
        required = (target.value - base_value) / period if period > 0 else None

    ratio: float | None = None
    if observed is not None and required is not None:
        if required == 0:
            ratio = math.inf if d * observed >= 0 else -math.inf
        else:
            ratio = d * observed / abs(required)

    if met:
        status = Status.ACHIEVED
    elif remaining <= 0:
        status = Status.NOT_ACHIEVED  # the period is over: no "on track", only met or not
    elif ratio is None:
        status = Status.NO_DATA
    else:
        status = status_for_ratio(ratio)
    score = 5.0 if met else (score_for_ratio(ratio) if ratio is not None else None)

    completion = time_share = None
    on_schedule: bool | None = None
    # 时序进度 only means something when the target lies ahead of the base in the good direction; a base
    # that already meets the target (e.g. a belt whose 2020 output exceeds its 2025 goal) has no distance.
    if d * (target.value - base_value) > 0 and period > 0:
        completion = (latest_value - base_value) / (target.value - base_value)
        time_share = elapsed / period
        on_schedule = completion >= time_share

    still: float | None = None
    projected: float | None = None
    if remaining > 0:
        still = (
            cagr(latest_value, target.value, remaining)
            if method == "cagr"
            else ((target.value - latest_value) / remaining)
        )
        if method == "cagr" and observed is not None:
            projected = latest_value * (1 + observed) ** remaining
        elif observed is not None:
            projected = latest_value + observed * remaining

    return Progress(
        status,
        STATUS_LABELS[status],
        base_year,
        base_value,
        latest_year,
        latest_value,
        target,
        met,
        method,
        observed,
        required,
        ratio,
        score,
        completion,
        time_share,
        on_schedule,
        still,
        projected,
        _explain(
            status,
            method,
            base_year,
            base_value,
            latest_year,
            latest_value,
            target,
            observed,
            required,
            ratio,
            completion,
            time_share,
            still,
        ),
        target_ratio(latest_value, target.value),
    )


def _at_base(*, base_year: int, base_value: float, latest_value: float, target: Target) -> Progress:
    """The latest observation is the base year itself (e.g. the plan's 2020 column): no growth has been
    observed yet, but the growth the target requires can already be stated."""
    met = target.is_met_by(latest_value)
    period = target.year - base_year
    method = "cagr"
    required = cagr(latest_value, target.value, period)
    if required is None:
        method = "linear"
        required = (target.value - latest_value) / period if period > 0 else None
    status = Status.ACHIEVED if met else Status.BASELINE
    op = {">": "高于", ">=": "达到", "<": "低于", "<=": "不高于", "~": "约为"}[target.op]
    text = f"{base_year}年为基期，基期值{_num(latest_value)}，目标为{target.year}年{op}{_num(target.value)}。"
    if met:
        text += "基期值已满足目标条件，状态判定为“已实现目标”。"
    else:
        text += "尚无基期之后的观测值，暂不判定进度状态。"
        if required is not None:
            unit, shown = ("年均增速", _pct(required)) if method == "cagr" else ("年均增量", _num(required))
            text += f"实现目标需保持{unit}{shown}。"
    return Progress(
        status,
        STATUS_LABELS[status],
        base_year,
        base_value,
        base_year,
        latest_value,
        target,
        met,
        method,
        None,
        required,
        None,
        5.0 if met else None,
        0.0 if target.value != latest_value and period > 0 else None,
        0.0 if period > 0 else None,
        None,
        required,
        None,
        text,
        target_ratio(latest_value, target.value),
    )


def _explain(
    status: Status,
    method: str,
    base_year: int,
    base_value: float,
    latest_year: int,
    latest_value: float,
    target: Target,
    observed: float | None,
    required: float | None,
    ratio: float | None,
    completion: float | None,
    time_share: float | None,
    still: float | None,
) -> str:
    op = {">": "高于", ">=": "达到", "<": "低于", "<=": "不高于", "~": "约为"}[target.op]
    parts = [
        f"{base_year}年基期值{_num(base_value)}，{latest_year}年最新值{_num(latest_value)}，"
        f"目标为{target.year}年{op}{_num(target.value)}。"
    ]
    if status is Status.ACHIEVED:
        parts.append("最新值已满足目标条件，状态判定为“已实现目标”（优先于增速比较）。")
    elif status is Status.NOT_ACHIEVED:
        parts.append(f"已到目标年，未实现目标，{gap_text(latest_value, target)}。")
    elif method == "cagr" and ratio is not None:
        parts.append(
            f"基期以来年均增速{_pct(observed)}，实现目标所需年均增速{_pct(required)}，"
            f"二者之比R={ratio:.2f}（≥0.95进展顺利，0.60–0.95需加快进度，0–0.60进展有限，<0出现倒退）。"
        )
    elif method == "linear" and ratio is not None:
        parts.append(
            f"基期值不为正，增速无定义，改用年均增量比较：实际年均增量{_num(observed)}，"
            f"所需年均增量{_num(required)}，R={ratio:.2f}。"
        )
    if completion is not None and time_share is not None:
        verdict = "达到或超过时序进度" if completion >= time_share else "落后于时序进度"
        parts.append(f"增量完成度{completion * 100:.1f}%，时间进度{time_share * 100:.1f}%，{verdict}。")
    if still is not None and status not in (Status.ACHIEVED, Status.NOT_ACHIEVED):
        unit = "年均增速" if method == "cagr" else "年均增量"
        shown = _pct(still) if method == "cagr" else _num(still)
        parts.append(f"剩余年份需保持{unit}{shown}方可如期实现目标。")
    return "".join(parts)
