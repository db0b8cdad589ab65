"""ECharts options, built in Python and handed to the page with `json_script`. The browser only draws:
every value, axis bound and label here is final (no arithmetic in JavaScript)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

MAP_NAME = "hangzhou"
RED, GREY, BLUE, GOLD = "#a8201a", "#6c757d", "#1f5fa8", "#b8860b"


def _f(value: Decimal | float | int | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def progress_bars(cards: list[dict[str, Any]]) -> dict[str, Any]:
    """增量完成度 against 时间进度 for each main indicator (percent, horizontal bars)."""
    names = [c["name"] for c in cards]
    return {
        "aria": {"enabled": True},
        "grid": {"left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": True},
        "legend": {"top": 0},
        "tooltip": {"trigger": "axis", "valueFormatter": "{value}%"},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {
            "type": "category",
            "data": names,
            "inverse": True,
            "axisLabel": {"width": 180, "overflow": "truncate"},
        },
        "series": [
            {
                "name": _("增量完成度"),
                "type": "bar",
                "data": [c["completion_bar"] for c in cards],
                "itemStyle": {"color": RED},
            },
            {
                "name": _("时间进度"),
                "type": "bar",
                "data": [c["time_bar"] for c in cards],
                "itemStyle": {"color": GREY},
            },
        ],
    }


def district_map(rows: list[dict[str, Any]], *, measure: str, label: str) -> dict[str, Any]:
    """A choropleth of Hangzhou's districts; districts without a value stay grey (e.g. out of scope)."""
    data = [{"name": r["name"], "value": _f(r[measure])} for r in rows]
    values = [d["value"] for d in data if d["value"] is not None]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item", "formatter": "{b}<br/>{c}"},
        "visualMap": {
            "type": "continuous",
            # From zero, so one district alone (a district office's view) is not painted at the top colour.
            "min": min([0.0, *values]),
            "max": max(values, default=1),
            "left": 8,
            "bottom": 8,
            "text": [_("高"), _("低")],
            "calculable": False,
            "inRange": {"color": ["#fbe9e7", "#e57373", RED]},
        },
        "series": [
            {
                "name": label,
                "type": "map",
                "map": MAP_NAME,
                "roam": False,
                "label": {"show": True, "fontSize": 10},
                "itemStyle": {"areaColor": "#eeeeee", "borderColor": "#999"},
                "emphasis": {"label": {"show": True}},
                "data": data,
            }
        ],
    }


def membership_map(names: list[str], *, label: str) -> dict[str, Any]:
    """The districts a belt, corridor or cluster spans, highlighted."""
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [
            {
                "name": label,
                "type": "map",
                "map": MAP_NAME,
                "roam": False,
                "selectedMode": False,
                "label": {"show": True, "fontSize": 10},
                "itemStyle": {"areaColor": "#f3f3f3", "borderColor": "#999"},
                "data": [{"name": n, "value": 1, "itemStyle": {"areaColor": RED}} for n in names],
            }
        ],
    }


def belts_bars(
    figures: list[dict[str, Any]], values: list[float | None], targets: list[float | None]
) -> dict[str, Any]:
    return {
        "aria": {"enabled": True},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "legend": {"top": 0},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [f["name"] for f in figures]},
        "yAxis": {"type": "value", "name": _("亿元")},
        "series": [
            {"name": _("总产出"), "type": "bar", "data": values, "itemStyle": {"color": RED}},
            {"name": _("2025年目标"), "type": "bar", "data": targets, "itemStyle": {"color": GREY}},
        ],
    }


def indicator_series(
    *,
    name: str,
    unit: str,
    years: list[int],
    values: list[float | None],
    target_year: int | None,
    target_value: float | None,
    projection: list[tuple[int, float]],
) -> dict[str, Any]:
    """The series with the target line and the trend projection to the target year."""
    axis = [str(y) for y in years]
    if target_year is not None:
        axis += [str(y) for y in range(years[-1] + 1 if years else target_year, target_year + 1)]
    series: list[dict[str, Any]] = [
        {"name": name, "type": "line", "data": values, "itemStyle": {"color": RED}, "connectNulls": False}
    ]
    if target_value is not None:
        series.append(
            {
                "name": _("目标值"),
                "type": "line",
                "data": [target_value] * len(axis),
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": GOLD},
                "itemStyle": {"color": GOLD},
            }
        )
    if projection:
        by_year = dict(projection)
        series.append(
            {
                "name": _("趋势外推"),
                "type": "line",
                "data": [by_year.get(int(y)) for y in axis],
                "connectNulls": True,
                "lineStyle": {"type": "dotted", "color": BLUE},
                "itemStyle": {"color": BLUE},
            }
        )
    return {
        "aria": {"enabled": True},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
        "legend": {"top": 0},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": axis, "boundaryGap": False},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": series,
    }


def bars(labels: list[str], values: list[float | None], *, name: str, unit: str) -> dict[str, Any]:
    return {
        "aria": {"enabled": True},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "name": unit},
        "series": [{"name": name, "type": "bar", "data": values, "itemStyle": {"color": RED}}],
    }
