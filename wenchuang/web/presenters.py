"""Display values for the pages: every number is formatted (and every percentage computed) here, so that
templates and JavaScript do no arithmetic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from wenchuang.plan.models import Indicator
from wenchuang.stats.models import IndicatorValue
from wenchuang.stats.presenters import target_display

STATUS_LABELS = {
    "achieved": _("已实现目标"),
    "on_track": _("进展顺利"),
    "acceleration_needed": _("需加快进度"),
    "limited_progress": _("进展有限"),
    "deterioration": _("出现倒退"),
    "no_data": _("暂无数据"),
    "baseline": _("基期（尚无进展数据）"),
}
# Bootstrap badge classes; colour is never the only carrier of meaning (the label is always shown).
STATUS_BADGES = {
    "achieved": "text-bg-primary",
    "on_track": "text-bg-success",
    "acceleration_needed": "text-bg-warning",
    "limited_progress": "wc-badge-limited",
    "deterioration": "text-bg-danger",
}
SOURCE_LABELS = {"official": _("官方数据"), "computed": _("微观数据计算"), "none": _("暂无数据")}
METHOD_LABELS = {"cagr": _("复合年均增速法"), "linear": _("线性增量法")}


def num(value: Decimal | float | int | None, places: int = 2) -> str:
    """12,345.67 / 2,285 — grouped, at most `places` decimals, no trailing zeros."""
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


def bar(value: float | None) -> int:
    """A share as an integer 0…100 for the width classes of the progress bars (wc-w-N)."""
    if value is None:
        return 0
    return max(0, min(100, round(value * 100)))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status or _("暂无数据")))


def indicator_card(indicator: Indicator, v: IndicatorValue | None) -> dict[str, Any]:
    """One cockpit card: latest value, base, target, 时序进度, status and its explanation."""
    card: dict[str, Any] = {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "base_year": indicator.base_year,
        "base": num(indicator.base_value),
        "target_year": indicator.target_year,
        "target": indicator.target_display,
    }
    if v is None:
        card.update(
            value="—", status="no_data", status_label=status_label("no_data"), badge="text-bg-secondary"
        )
        card.update(components=[], explanation="", source="none", source_label=SOURCE_LABELS["none"])
        card.update(completion_bar=0, time_bar=0, completion="—", time_share="—", as_of=None, year=None)
        return card
    card.update(
        year=v.year,
        value=num(v.headline_value),
        computed=num(v.computed_value),
        official=num(v.official_value) if v.official_value is not None else None,
        official_source=v.official_source,
        source=v.headline_source,
        source_label=SOURCE_LABELS.get(v.headline_source, v.headline_source),
        as_of=v.official_entered_at if v.headline_source == "official" else v.computed_as_of,
        status=v.status or "no_data",
        status_label=status_label(v.status or "no_data"),
        badge=STATUS_BADGES.get(v.status, "text-bg-secondary"),
        completion=pct(v.completion),
        completion_bar=bar(v.completion),
        time_share=pct(v.time_share),
        time_bar=bar(v.time_share),
        on_schedule=v.on_schedule,
        explanation=v.explanation,
        components=progress_components(v),
    )
    return card


def progress_components(v: IndicatorValue) -> list[tuple[str, str]]:
    """The stored components of a status, labelled, in the order a reader follows them."""
    rows: list[tuple[Any, str]] = [
        (_("基期值"), f"{num(v.base_value)}（{v.base_year}）"),
        (_("最新值"), f"{num(v.headline_value)}（{v.year}）"),
        (_("目标值"), f"{target_display(v.target_op, v.target_value)}（{v.target_year}）"),
        (_("计算方法"), str(METHOD_LABELS.get(v.method, v.method or "—"))),
        (_("实际年均增速"), pct(v.observed_rate, 2)),
        (_("所需年均增速"), pct(v.required_rate, 2)),
        (_("进度比R（实际÷所需）"), num(v.ratio)),
        (_("进度得分（−5…+5）"), num(v.score)),
        (_("目标完成度"), pct(v.completion)),
        (_("时间进度"), pct(v.time_share)),
        (_("剩余年份所需年均增速"), pct(v.rate_still_required, 2)),
        (_("趋势外推目标年值"), num(v.projected_value)),
        (_("计算值"), num(v.computed_value)),
        (_("官方值"), num(v.official_value) if v.official_value is not None else "—"),
        (_("直接计算覆盖率"), pct(v.coverage)),
    ]
    return [(str(label), value) for label, value in rows]


def unit_figure(name: str, v: IndicatorValue | None) -> dict[str, Any]:
    """A belt (or other unit) against its target: value, target, completion."""
    if v is None:
        return {"name": name, "value": "—", "target": "—", "completion": "—", "bar": 0, "unit": "亿元"}
    return {
        "name": name,
        "code": v.spatial_unit_code,
        "value": num(v.headline_value),
        "unit": v.unit,
        "target": target_display(v.target_op, v.target_value) or "—",
        "target_year": v.target_year,
        "completion": pct(v.completion),
        "bar": bar(v.completion),
        "status_label": status_label(v.status) if v.status else "",
        "badge": STATUS_BADGES.get(v.status, "text-bg-secondary"),
        "as_of": v.computed_as_of,
    }
