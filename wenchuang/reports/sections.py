"""The sections of the final evaluation a person writes — 主要成效, 存在问题, 对策建议, “十五五”思路 —
drafted from the numbers so the office starts from facts, then edits them in the 报告中心.

At the end of the plan period an indicator is either 已实现 or 未实现 (with its gap); a draft never says
an indicator is 进展顺利. The ratio printed is the 目标完成率 (value ÷ target), named as such. Pure."""

from __future__ import annotations

from decimal import Decimal

from wenchuang.reports.data import IndicatorRow, ReportData
from wenchuang.reports.narrative import fmt_num, fmt_pct, places_for

ACHIEVEMENTS, PROBLEMS, MEASURES, NEXT_PLAN = "achievements", "problems", "measures", "next_plan"
TITLES = {
    ACHIEVEMENTS: "主要成效",
    PROBLEMS: "存在问题",
    MEASURES: "对策建议",
    NEXT_PLAN: "“十五五”思路",
}
KEYS = tuple(TITLES)
CLOSING = (PROBLEMS, MEASURES, NEXT_PLAN)  # after the generated chapters; 主要成效 comes first
MAX_LENGTH = 20000


def _v(row: IndicatorRow, value: Decimal | float | None) -> str:
    return fmt_num(value, places_for(row.unit))


def _judged(data: ReportData) -> list[IndicatorRow]:
    return [
        r
        for r in data.indicators
        if r.target_value is not None and r.value is not None and r.status != "district"
    ]


def _growth(prefix: str, rate: float | None) -> str:
    """“，年均增长5.6%” or “，年均下降3.1%” — never “增长-3.1%”."""
    if rate is None:
        return ""
    return f"，{prefix}{'增长' if rate >= 0 else '下降'}{fmt_pct(abs(rate))}"


def _rate(row: IndicatorRow) -> str:
    """目标完成率 = value ÷ target (not the increment ratio, which readers would take for it)."""
    if not row.target_value or row.value is None:
        return ""
    return f"，目标完成率{fmt_pct(float(Decimal(row.value) / Decimal(row.target_value)))}"


def _achievements(data: ReportData) -> str:
    y = data.year
    if not data.has_data:
        return f"{y}年暂无统计数据，主要成效待数据齐备后填写。"
    lines = []
    va = data.indicator("value_added")
    if va is not None and va.value is not None and va.base_value is not None:
        lines.append(
            f"“十四五”期间，{data.scope_label}文化产业增加值由{data.base_year}年的{_v(va, va.base_value)}亿元"
            f"增至{y}年的{_v(va, va.value)}亿元" + _growth("年均", va.observed_rate) + "。"
        )
    met = [r for r in _judged(data) if r.target_met]
    if met:
        items = "；".join(
            f"{r.name}{y}年为{_v(r, r.value)}{r.unit}（目标{r.target_display}{r.unit}）" for r in met
        )
        lines.append(f"规划主要指标中，{len(met)}项已实现目标：{items}。")
    ent = data.enterprises
    if ent:
        lines.append(
            # fmt_num: a count withheld for statistical confidentiality (None) reads "—"
            f"纳入统计的文化企业{fmt_num(ent['enterprises'], 0)}家，"
            f"其中规模以上{fmt_num(ent['above_scale'], 0)}家，"
            f"上市文化企业{ent['listed']}家。"
        )
    lines.append("（请补充重大项目、平台建设、品牌活动等方面的成效。）")
    return "\n".join(lines)


def _problems(data: ReportData) -> str:
    y = data.year
    lines = []
    unmet = [r for r in _judged(data) if not r.target_met]
    for r in unmet:
        gap = Decimal(r.target_value or 0) - Decimal(r.value or 0)
        gap_text = f"，尚差{_v(r, abs(gap))}{r.unit}" if gap > 0 else ""
        lines.append(
            f"{r.name}未实现：{y}年为{_v(r, r.value)}{r.unit}，规划目标{r.target_display}{r.unit}"
            f"{gap_text}{_rate(r)}。"
        )
    missing = [r.name for r in data.indicators if r.value is None]
    if missing:
        lines.append(f"{'、'.join(missing)}暂无数据，无法评估，统计监测体系有待完善。")
    if not lines:
        lines.append(f"截至{y}年规划主要指标均已实现，请补充结构性、区域性问题。")
    lines.append("（请补充产业结构、区域协调、市场主体等方面存在的问题。）")
    return "\n".join(lines)


def _measures(data: ReportData) -> str:
    unmet = [r.name for r in _judged(data) if not r.target_met]
    lines = []
    if unmet:
        lines.append(f"针对{'、'.join(unmet)}未实现目标的情况，分析原因，明确责任单位和补短板措施。")
    if any(r.value is None for r in data.indicators):
        lines.append("完善文化产业统计监测制度，补齐暂无数据指标的数据来源。")
    lines.append("（请补充具体对策建议。）")
    return "\n".join(lines)


def _next_plan(data: ReportData) -> str:
    lines = []
    for v in data.vision:
        if v.value is not None and v.rate_still_required is not None:
            lines.append(
                f"面向{v.target_year}年远景目标（{v.name}{v.target_display}{v.unit}），"
                f"{data.year + 1}–{v.target_year}年每年还需增长{fmt_pct(v.rate_still_required, 2)}。"
            )
    lines.append("（请填写“十五五”时期的发展思路、主要目标和重点任务。）")
    return "\n".join(lines)


def drafts(data: ReportData) -> dict[str, str]:
    """Each editable section's first draft, written from the report data."""
    return {
        ACHIEVEMENTS: _achievements(data),
        PROBLEMS: _problems(data),
        MEASURES: _measures(data),
        NEXT_PLAN: _next_plan(data),
    }
