"""The report's sentences, written from the numbers, and the number formats every writer shares.
Pure: no database, so the same data always gives the same text."""

from __future__ import annotations

from decimal import Decimal

from wenchuang.reports.data import FINAL, IndicatorRow, ReportData
from wenchuang.stats.presenters import places_for

NO_DATA = "暂无数据"
__all__ = [
    "evaluation_summary",
    "evaluation_verdict",
    "fmt_num",
    "fmt_pct",
    "places_for",
    "status_text",
    "summary",
]


def fmt_num(value: Decimal | float | int | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)):,.{places}f}"


def fmt_pct(ratio: float | None, places: int = 1) -> str:
    """A ratio (0.794) as a percentage (79.4%)."""
    return "—" if ratio is None else f"{ratio * 100:.{places}f}%"


def fmt_share(pct: Decimal | None) -> str:
    """A value already in percent."""
    return "—" if pct is None else f"{pct:.2f}%"


def _yoy_clause(row: IndicatorRow) -> str:
    """同比 under the same-source rule: a rate between two values of one source, else 口径不同."""
    g = row.yoy
    if g is None:
        return ""
    if not g.comparable or g.rate is None:
        return f"（{g.note}）"
    return f"，同比{'增长' if g.rate >= 0 else '下降'}{abs(g.rate) * 100:.1f}%"


def _target_clause(row: IndicatorRow, year: int) -> str:
    if row.target_value is None or row.status in ("district", "no_data", ""):
        return ""
    if row.target_met:
        plan_word = "“十四五”" if row.target_year and row.target_year <= 2025 else f"{row.target_year}年"
        early = "提前" if row.target_year and year < row.target_year else ""
        return f"，已{early}完成{plan_word}目标（{row.target_display}{row.unit}）"
    if row.status == "not_achieved":
        return (
            f"，未实现{row.target_year}年目标（{row.target_display}{row.unit}），"
            f"目标完成率{fmt_pct(row.target_ratio)}，差距{fmt_num(_gap(row))}{row.unit}"
        )
    parts = (
        f"，{row.target_year}年目标（{row.target_display}{row.unit}）的目标完成率（最新值÷目标值）"
        f"{fmt_pct(row.target_ratio)}"
    )
    if row.completion is not None:
        parts += f"，增量完成度（较基期的增量÷目标增量）{fmt_pct(row.completion)}"
    if row.time_share is not None:
        parts += f"，时间进度{fmt_pct(row.time_share)}"
        parts += "，达到时序进度" if row.on_schedule else "，未达到时序进度"
    return parts


def _gap(row: IndicatorRow) -> Decimal | None:
    if row.value is None or row.target_value is None:
        return None
    return abs(row.target_value - row.value)


def summary(data: ReportData) -> list[str]:
    """The opening paragraphs."""
    y, scope = data.year, data.scope_label
    if not data.has_data:
        return [
            f"{y}年{scope}暂无文化产业统计数据（数据库中没有该年度的汇总数据），本报告各章节均显示“{NO_DATA}”。"
        ]
    paras = []
    va, to = data.indicator("value_added"), data.indicator("total_output")
    first = []
    if va is not None and va.value is not None:
        text = f"{y}年{scope}文化产业增加值{fmt_num(va.value)}亿元（{va.source_label}）"
        text += _yoy_clause(va)
        text += _target_clause(va, y)
        first.append(text)
    if to is not None and to.value is not None:
        text = f"文化产业总产出{fmt_num(to.value)}亿元（{to.source_label}）"
        text += _yoy_clause(to)
        text += _target_clause(to, y)
        first.append(text)
    if first:
        paras.append("；".join(first) + "。")
    if data.is_city and data.kind == FINAL:
        # A final evaluation speaks of met / not met only (its table's words), never of 进展顺利.
        missing = [r.name for r in data.indicators if r.value is None]
        if missing:
            paras.append(f"{len(missing)}项指标{NO_DATA}（{'、'.join(missing)}），不作评估。")
    elif data.is_city:
        judged = [
            r for r in data.indicators if r.target_value is not None and r.status not in ("", "no_data")
        ]
        met = [r.name for r in judged if r.target_met]
        on_track = [r for r in judged if not r.target_met and r.status == "on_track"]
        behind = [
            r.name for r in judged if r.status in ("acceleration_needed", "limited_progress", "deterioration")
        ]
        not_met = [r.name for r in judged if r.status in ("not_achieved", "below_target")]
        missing = [r.name for r in data.indicators if r.value is None]
        text = f"规划{len(data.indicators)}项指标中，{len(met)}项已实现目标"
        if on_track:
            text += f"，{len(on_track)}项进展顺利"
        if behind:
            text += f"，{len(behind)}项需加快进度或进展有限"
        if not_met:
            text += f"，{len(not_met)}项未实现目标（{'、'.join(not_met)}）"
        if missing:
            text += f"，{len(missing)}项{NO_DATA}（{'、'.join(missing)}）"
        paras.append(text + "。")
        if behind:
            paras.append("需重点关注的指标：" + "、".join(behind) + "。")
    else:
        paras.append(
            f"本报告仅含{scope}的数据。规划目标为全市目标，区县不评估目标完成度，"
            f"仅列示{data.base_year}年以来的年均增速。"
        )
    dig = data.digital
    if dig.get("revenue_share") is not None:
        paras.append(
            f"数字文化（新业态16个小类）企业营业收入{fmt_num(dig['revenue'])}亿元，占{fmt_share(dig['revenue_share'])}；"
            f"增加值占{fmt_share(dig['va_share'])}。"
        )
    ent = data.enterprises
    if ent:
        paras.append(
            # fmt_num: a count withheld for statistical confidentiality (None) reads "—"
            f"纳入统计的文化企业{fmt_num(ent['enterprises'], 0)}家，"
            f"其中规模以上{fmt_num(ent['above_scale'], 0)}家，"
            f"上市文化企业{ent['listed']}家，文化领军企业{ent['leading']}家。"
        )
    if data.kind == FINAL:
        paras.extend(evaluation_summary(data))
    return paras


def evaluation_summary(data: ReportData) -> list[str]:
    if not data.evaluation or not data.has_data:
        return []
    if not data.is_city:
        return [
            f"终期评估以全市规划目标为准；{data.scope_label}部分仅列示各指标{data.base_year}年以来的年均增速。"
        ]
    judged = [
        e for e in data.evaluation if e.indicator.target_value is not None and e.indicator.value is not None
    ]
    met = [e for e in judged if e.indicator.target_met]
    text = (
        f"截至{data.year}年，“十四五”规划{len(judged)}项有目标且有数据的指标中{len(met)}项已实现目标"
        + (f"（{'、'.join(e.indicator.name for e in met)}）" if met else "")
        + f"，{len(judged) - len(met)}项尚未实现。"
    )
    out = [text]
    for e in data.evaluation:
        r = e.indicator
        if (
            r.value is not None
            and r.target_value is not None
            and not r.target_met
            and r.status == "not_achieved"
        ):
            out.append(
                f"{r.name}{data.year}年为{fmt_num(r.value)}{r.unit}，未实现目标（{r.target_display}{r.unit}），"
                f"差距{fmt_num(_gap(r))}{r.unit}，目标完成率{fmt_pct(r.target_ratio)}。"
            )
    provisional = list(
        dict.fromkeys(
            f"{r.name}（{r.reliability_label or r.source_label}）"
            for r in [*data.indicators, *data.vision]
            if r.is_provisional
        )
    )
    if provisional:
        out.append("以下数据为初步数或估算数，待正式数公布后更新：" + "、".join(provisional) + "。")
    for v in data.vision:
        if v.value is not None and v.rate_still_required is not None:
            text = (
                f"面向{v.target_year}年远景目标，{v.name}须达到{v.target_display}{v.unit}，"
                f"{data.year + 1}–{v.target_year}年每年还需增长{fmt_pct(v.rate_still_required, 2)}"
                f"（{data.base_year}年以来实际年均增长{fmt_pct(v.observed_rate, 2)}"
            )
            text += f"；{v.basis_note}）。" if v.basis_note else "）。"
            out.append(text)
    return out


def status_text(row: IndicatorRow) -> str:
    return row.status_label or "—"


def evaluation_verdict(row: IndicatorRow) -> str:
    if row.value is None:
        return NO_DATA
    if row.target_value is None or row.status == "district":
        return "—"
    return "已实现" if row.target_met else "未实现"
