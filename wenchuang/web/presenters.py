"""Display values for the pages: every number is formatted (and every percentage computed) here, so that
templates and JavaScript do no arithmetic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from wenchuang.plan.models import Indicator
from wenchuang.stats import presenters as stats_presenters
from wenchuang.stats.readmodel import IndicatorRow

STATUS_LABELS = {k: _(v) for k, v in stats_presenters.STATUS_LABELS.items()}
# Bootstrap badge classes; colour is never the only carrier of meaning (the label is always shown).
STATUS_BADGES = {
    "achieved": "text-bg-primary",
    "on_track": "text-bg-success",
    "acceleration_needed": "text-bg-warning",
    "limited_progress": "wc-badge-limited",
    "deterioration": "text-bg-danger",
    "not_achieved": "text-bg-danger",
    "below_target": "text-bg-warning",
}
METHOD_LABELS = {"cagr": _("复合年均增速法"), "linear": _("线性增量法")}
num = stats_presenters.num
pct = stats_presenters.pct
target_display = stats_presenters.target_display


def bar(value: float | None) -> int:
    """A share as an integer 0…100 for the width classes of the progress bars (wc-w-N)."""
    if value is None:
        return 0
    return max(0, min(100, round(value * 100)))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status or _("暂无数据")))


def yoy_text(row: IndicatorRow) -> str:
    """同比 under the same-source rule (口径不同 when the two years' sources differ)."""
    g = row.yoy
    if g is None:
        return "—"
    if not g.comparable or g.rate is None:
        return g.note or "口径不同"
    return pct(g.rate)


def indicator_card(indicator: Indicator, row: IndicatorRow | None) -> dict[str, Any]:
    """One cockpit card: chosen value with its source, base, target, both completions, status."""
    card: dict[str, Any] = {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "base_year": indicator.base_year,
        "base": num(indicator.base_value),
        "target_year": indicator.target_year,
        "target": indicator.target_display,
    }
    if row is None or row.value is None:
        card.update(
            value=str(_("暂无数据")),
            status="no_data",
            status_label=status_label("no_data"),
            badge="text-bg-secondary",
        )
        card.update(components=[], explanation="", source="none", source_label=str(_("暂无数据")))
        card.update(completion_bar=0, time_bar=0, completion="—", time_share="—", target_ratio="—")
        card.update(as_of=None, year=row.year if row else None, first_year_met=None, basis_note="", yoy="—")
        return card
    card.update(
        year=row.year,
        value=num(row.value, stats_presenters.places_for(row.unit)),
        base=num(row.base_value) if row.base_value is not None else card["base"],
        base_year=row.base_year or card["base_year"],
        computed=num(row.computed_value),
        official=num(row.official_value) if row.official_value is not None else None,
        official_source=row.document,
        source=row.source,
        source_label=row.source_label,
        reliability_label=row.reliability_label if row.is_provisional else "",
        as_of=row.as_of,
        status=row.status or "no_data",
        status_label=status_label(row.status or "no_data"),
        badge=STATUS_BADGES.get(row.status, "text-bg-secondary"),
        completion=pct(row.completion),
        completion_bar=bar(row.completion),
        target_ratio=pct(row.target_ratio),
        time_share=pct(row.time_share),
        time_bar=bar(row.time_share),
        on_schedule=row.on_schedule,
        first_year_met=row.first_year_met,
        basis_note=row.basis_note,
        yoy=yoy_text(row),
        explanation=row.explanation,
        components=progress_components(row),
        inputs=row.inputs,
    )
    return card


def progress_components(v: IndicatorRow) -> list[tuple[str, str]]:
    """The stored components of a status, labelled, in the order a reader follows them."""
    rows: list[tuple[Any, str]] = [
        (_("基期值"), f"{num(v.base_value)}（{v.base_year}）"),
        (_("最新值"), f"{num(v.value)}（{v.year}，{v.source_label}）"),
        (_("目标值"), f"{target_display(v.target_op, v.target_value)}（{v.target_year}）"),
        (_("首次达标年份"), f"{v.first_year_met}" if v.first_year_met else "—"),
        (_("计算方法"), str(METHOD_LABELS.get(v.method, v.method or "—"))),
        (_("实际年均增速"), pct(v.observed_rate, 2)),
        (_("所需年均增速"), pct(v.required_rate, 2)),
        (_("进度比R（实际÷所需）"), num(v.ratio)),
        (_("进度得分（−5…+5）"), num(v.score)),
        (_("目标完成率（最新值÷目标值）"), pct(v.target_ratio)),
        (_("增量完成度（增量÷目标增量）"), pct(v.completion)),
        (_("时间进度"), pct(v.time_share)),
        (_("剩余年份所需年均增速"), pct(v.rate_still_required, 2)),
        (_("趋势外推目标年值"), num(v.projected_value)),
        (_("计算值"), num(v.computed_value)),
        (_("官方值"), num(v.official_value) if v.official_value is not None else "—"),
        (_("直接计算覆盖率"), pct(v.coverage)),
        (_("数据库覆盖率（微观÷官方）"), pct(v.db_coverage)),
    ]
    for i in v.inputs:
        rows.append((_("输入") + f"：{i['name']}", f"{i['value'] or '—'}（{i['source_label']}）"))
    if v.basis_note:
        rows.append((_("口径说明"), v.basis_note))
    return [(str(label), value) for label, value in rows]


def unit_figure(name: str, v: IndicatorRow | None, code: str = "") -> dict[str, Any]:
    """A belt (or other unit, `code`) against its target: value, target, both completions."""
    if v is None or v.value is None:
        return {
            "name": name,
            "code": code,
            "has_value": False,
            "value": str(_("暂无数据")),
            "target": "—",
            "completion": "—",
            "target_ratio": "—",
            "bar": 0,
            "unit": "亿元",
        }
    return {
        "name": name,
        "has_value": True,
        "code": code or v.spatial_unit,
        "value": num(v.value),
        "unit": v.unit,
        "target": v.target_display or "—",
        "target_year": v.target_year,
        "completion": pct(v.completion),
        "target_ratio": pct(v.target_ratio),
        "bar": bar(v.completion),
        "status_label": status_label(v.status) if v.status and v.status != "no_data" else "",
        "badge": STATUS_BADGES.get(v.status, "text-bg-secondary"),
        "as_of": v.as_of,
        "source_label": v.source_label,
        "base": num(v.base_value) if v.base_value is not None else "—",
        "base_year": v.base_year,
    }


def unit_publication_mark(
    fig: dict[str, Any], published: IndicatorRow | None, version: Any
) -> dict[str, Any]:
    """A unit figure (`unit_figure`) beside its published value: 「未发布」 when the public sees
    something else, as `publication_mark` does for the cards."""
    working = fig["value"] if fig["has_value"] else None  # None: 暂无数据, nothing to publish
    published_text = num(published.value) if published is not None and published.value is not None else None
    fig["published_label"] = version.label if version is not None else ""
    fig["published_value"] = published_text or str(_("暂无已发布数据"))
    fig["unpublished"] = working is not None and (version is None or published_text != working)
    return fig


def region_row(v: IndicatorRow) -> dict[str, Any]:
    """One indicator of a region's plan in the side-by-side table: value, target, 目标完成率,
    status, source. 暂无数据 is said, never shown as 0; a district row without targets says so."""
    has_value = v.value is not None
    status = v.status if has_value else "no_data"
    return {
        "code": v.code,
        "name": v.name,
        "unit": v.unit,
        "value": num(v.value, stats_presenters.places_for(v.unit)) if has_value else str(_("暂无数据")),
        "target": f"{v.target_display}（{v.target_year}）" if v.target_display else "—",
        "target_ratio": pct(v.target_ratio) if has_value and v.target_ratio is not None else "—",
        "status": status,
        "status_label": v.status_label if status == "district" else status_label(status),
        "badge": STATUS_BADGES.get(status, "text-bg-secondary"),
        "source_label": v.source_label,
        "base": num(v.base_value) if v.base_value is not None else "—",
        "base_year": v.base_year,
    }


def publication_mark(
    card: dict[str, Any], published: IndicatorRow | None, version: Any, completeness: Decimal | None
) -> dict[str, Any]:
    """Beside a working figure: the published one (版本号) and 「未发布」 when the public sees something
    else; 覆盖率 (reporting completeness) beside a computed figure (official figures need none)."""
    shown = published.value if published is not None else None
    working = None if card.get("source") == "none" else card.get("value")
    published_text = (
        num(shown, stats_presenters.places_for(published.unit))
        if published is not None and shown is not None
        else None
    )
    card["published_label"] = version.label if version is not None else ""
    card["published_value"] = published_text or str(_("暂无已发布数据"))
    card["unpublished"] = working is not None and (version is None or published_text != working)
    card["completeness"] = (
        f"{num(completeness, 1)}%" if card.get("source") == "computed" and completeness is not None else None
    )
    card["completeness_missing"] = card.get("source") == "computed" and completeness is None
    return card
