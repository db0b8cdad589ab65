"""Everything a report shows, gathered once from the statistics engine and the plan, as plain data.

The three writers (DOCX, XLSX, PDF) and the narrative read only this structure, so the same data and
parameters give the same numbers and text in every format. City-wide indicator values are the stored
ones the indicator endpoint serves (`stats.selectors.indicator_values_json`); for a district office the
indicators are evaluated over its districts only (the plan's targets are city targets, so no progress
is assessed for a district).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from wenchuang.classify.models import CultureCategory
from wenchuang.plan import selectors as plan_selectors
from wenchuang.plan.models import Indicator, Plan
from wenchuang.registry.models import District, EnterpriseYear
from wenchuang.reports.execution import execution_data
from wenchuang.stats import indicators as stats_indicators
from wenchuang.stats import progress as stats_progress
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.presenters import target_display

WAN_PER_YI = Decimal(10000)
CENT = Decimal("0.01")
MONITORING, FINAL = "monitoring", "final-evaluation"
KIND_TITLES = {MONITORING: "文化产业统计监测报告", FINAL: "“十四五”规划终期评估报告"}
UNIT_KIND_LABELS = {
    "belt": "文化产业带",
    "corridor": "产业走廊",
    "cluster": "产业组团",
    "region_group": "区域板块",
}
MAJOR_NAMES_FALLBACK = {
    "01": "新闻信息服务",
    "02": "内容创作生产",
    "03": "创意设计服务",
    "04": "文化传播渠道",
    "05": "文化投资运营",
    "06": "文化娱乐休闲服务",
    "07": "文化辅助生产和中介服务",
    "08": "文化装备生产",
    "09": "文化消费终端生产",
}
PROGRESS_METHOD_NOTE = (
    "进度评估采用联合国亚太经社会（UN ESCAP）/Open SDG方法：以基期（2020年）至最新年度的实际年均增速与"
    "实现目标所需年均增速之比R判断状态（R≥0.95进展顺利，0.60–0.95需加快进度，0–0.60进展有限，<0出现倒退；"
    "已达到目标值的为已实现目标）；同时按规划惯例给出时序进度：目标完成度＝（最新值−基期值）/（目标值−基期值），"
    "时间进度＝（报告年度−基期年）/（目标年−基期年），完成度不低于时间进度即达到时序进度。"
)


class ReportError(ValueError):
    """A parameter the report cannot be made with (unknown plan, bad year, bad format)."""


Progress = Callable[[int, str], None]


def _noop(pct: int, msg: str) -> None:
    return None


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    category: str
    year: int
    value: Decimal | None
    source_label: str = ""
    base_year: int | None = None
    base_value: Decimal | None = None
    target_year: int | None = None
    target_value: Decimal | None = None
    target_display: str = ""
    status: str = ""
    status_label: str = ""
    target_met: bool = False
    completion: float | None = None
    time_share: float | None = None
    on_schedule: bool | None = None
    observed_rate: float | None = None
    required_rate: float | None = None
    rate_still_required: float | None = None
    projected_value: float | None = None
    coverage: float | None = None
    explanation: str = ""


@dataclass
class EvaluationRow:
    indicator: IndicatorRow
    first_year_met: int | None
    outlook_2035: IndicatorRow | None


@dataclass
class ReportData:
    kind: str
    plan_code: str
    plan_name: str
    base_year: int
    end_year: int
    vision_year: int | None
    year: int
    scope_label: str
    district_codes: list[str]
    is_city: bool
    has_data: bool
    as_of: datetime | None
    indicators: list[IndicatorRow] = field(default_factory=list)
    vision: list[IndicatorRow] = field(default_factory=list)
    evaluation: list[EvaluationRow] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    districts: list[dict[str, Any]] = field(default_factory=list)
    spatial: list[dict[str, Any]] = field(default_factory=list)
    majors: list[dict[str, Any]] = field(default_factory=list)
    advantage: list[dict[str, Any]] = field(default_factory=list)
    emerging: list[dict[str, Any]] = field(default_factory=list)
    digital: dict[str, Any] = field(default_factory=dict)
    enterprises: dict[str, Any] = field(default_factory=dict)
    leading: list[dict[str, Any]] = field(default_factory=list)
    listed: list[dict[str, Any]] = field(default_factory=list)
    programmes: list[dict[str, Any]] = field(default_factory=list)
    execution: dict[str, Any] = field(default_factory=dict)  # reports/execution.py
    notes: list[tuple[str, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == FINAL:
            return f"{self.plan_name}终期评估报告"
        return f"{self.year}年{self.scope_label}文化产业统计监测报告"

    def indicator(self, code: str) -> IndicatorRow | None:
        return next((r for r in [*self.indicators, *self.vision] if r.code == code), None)


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _yi(wan: Any) -> Decimal:
    return (Decimal(wan or 0) / WAN_PER_YI).quantize(CENT)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else (part / whole * 100).quantize(CENT)


# --- parameters ---------------------------------------------------------------------------------


def plan_for_report(plan_code: str) -> Plan:
    plan = plan_selectors.plan_get(code=plan_code)
    if plan is None:
        raise ReportError(f"规划“{plan_code}”不存在（先用 wenchuang plan load 载入规划文件）")
    return plan


def check_year(year: Any) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError) as exc:
        raise ReportError(f"年度“{year}”不是有效的年份") from exc
    if not 2000 <= y <= 2100:
        raise ReportError(f"年度{y}超出范围（2000–2100）")
    return y


def scope_districts(district_codes: Sequence[str] | None) -> tuple[list[int] | None, list[str], str]:
    """(district ids or None for the city, sorted codes, label) for a list of district codes."""
    if not district_codes:
        return None, [], "全市"
    found = list(District.objects.filter(code__in=list(district_codes)).order_by("code"))
    missing = sorted(set(district_codes) - {d.code for d in found})
    if missing:
        raise ReportError(f"未知区县代码：{'、'.join(missing)}")
    return [d.pk for d in found], [d.code for d in found], "、".join(d.name for d in found)


def data_years() -> list[int]:
    return sorted(r.year for r in stats_selectors.rollup_years())


# --- indicators ---------------------------------------------------------------------------------


def _row_from_api(d: dict[str, Any], category: str) -> IndicatorRow:
    p = d["progress"]
    return IndicatorRow(
        code=d["code"],
        name=d["name"],
        unit=d["unit"],
        category=category,
        year=d["year"],
        value=_dec(d["value"]),
        source_label=d["source_label"],
        base_year=d["base"]["year"],
        base_value=_dec(d["base"]["value"]),
        target_year=d["target"]["year"],
        target_value=_dec(d["target"]["value"]),
        target_display=d["target"]["display"],
        status=p["status"],
        status_label=p["status_label"] or "—",
        target_met=bool(p["target_met"]),
        completion=p["completion"],
        time_share=p["time_share"],
        on_schedule=p["on_schedule"],
        observed_rate=p["observed_rate"],
        required_rate=p["required_rate"],
        rate_still_required=p["rate_still_required"],
        projected_value=p["projected_value"],
        coverage=d["computed"]["coverage"],
        explanation=p["explanation"],
    )


def api_indicator_rows(plan: Plan, year: int) -> dict[str, dict[str, Any]]:
    """The indicator endpoint's city-level values for a year, by indicator code."""
    body = json.loads(stats_selectors.indicator_values_json(plan_code=plan.code, year=year))
    return {d["code"]: d for d in body["indicators"]}


def _city_rows(plan: Plan, year: int, defs: list[Indicator]) -> list[IndicatorRow]:
    api = api_indicator_rows(plan, year)
    rows = []
    for ind in defs:
        if ind.code in api:
            rows.append(_row_from_api(api[ind.code], ind.category))
        else:
            rows.append(_empty_row(ind, year))
    return rows


def _empty_row(ind: Indicator, year: int) -> IndicatorRow:
    return IndicatorRow(
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        category=ind.category,
        year=year,
        value=None,
        source_label="暂无数据",
        base_year=ind.base_year,
        base_value=ind.base_value,
        target_year=ind.target_year,
        target_value=ind.target_value,
        target_display=ind.target_display,
        status="no_data",
        status_label="暂无数据",
    )


def _scoped_rows(plan: Plan, year: int, defs: list[Indicator], district_ids: list[int]) -> list[IndicatorRow]:
    """A district office's own figures: each formula evaluated over its districts, base and latest.
    The plan's targets are city targets, so only the growth since the base year is shown."""
    scope = stats_indicators.Scope(districts=district_ids)
    officials = stats_indicators.OfficialIndex(plan.code)
    rows = []
    for ind in defs:
        value = base = None
        if ind.formula:
            ev = stats_indicators.evaluate(
                ind.formula, year=year, scope=scope, plan_code=plan.code, officials=officials
            )
            bev = stats_indicators.evaluate(
                ind.formula, year=plan.base_year, scope=scope, plan_code=plan.code, officials=officials
            )
            value = None if ev.value is None else ev.value.quantize(CENT)
            base = None if bev.value is None else bev.value.quantize(CENT)
        rate = None
        if value is not None and base is not None and year > plan.base_year:
            rate = stats_progress.cagr(float(base), float(value), year - plan.base_year)
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                category=ind.category,
                year=year,
                value=value,
                source_label="微观数据计算" if value is not None else "暂无数据",
                base_year=plan.base_year,
                base_value=base,
                status="district" if value is not None else "no_data",
                status_label="区县不设规划目标" if value is not None else "暂无数据",
                observed_rate=rate,
            )
        )
    return rows


def indicator_rows(plan: Plan, year: int, district_ids: list[int] | None) -> list[IndicatorRow]:
    defs = plan_selectors.plan_indicators(plan=plan)
    if district_ids is None:
        return _city_rows(plan, year, defs)
    return _scoped_rows(plan, year, defs, district_ids)


# --- breakdowns ----------------------------------------------------------------------------------


def _trend(plan: Plan, years: list[int], district_ids: list[int] | None) -> list[dict[str, Any]]:
    if not years:
        return []
    if district_ids is None:
        stored = stats_selectors.indicator_value_list(plan_code=plan.code).filter(
            indicator_code__in=["value_added", "total_output"]
        )
        by = {(v.indicator_code, v.year): v.headline_value for v in stored}
        return [
            {
                "year": y,
                "value_added": _q(by.get(("value_added", y))),
                "total_output": _q(by.get(("total_output", y))),
            }
            for y in years
        ]
    rows = stats_selectors.breakdown(year=years, by=["year"], districts=district_ids)
    got = {r["year"]: r for r in rows}
    return [
        {
            "year": y,
            "value_added": _yi(got[y]["value_added"]) if y in got else None,
            "total_output": _yi(got[y]["total_output"]) if y in got else None,
        }
        for y in years
    ]


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def _districts(year: int, district_ids: list[int] | None) -> list[dict[str, Any]]:
    rows = stats_selectors.breakdown(
        year=year, by=["district__code", "district__name"], districts=district_ids
    )
    total_va = sum((r["value_added"] for r in rows), Decimal(0))
    out = []
    for r in rows:
        out.append(
            {
                "code": r["district__code"],
                "name": r["district__name"],
                "value_added": _yi(r["value_added"]),
                "total_output": _yi(r["total_output"]),
                "revenue": _yi(r["revenue"]),
                "employees": int(r["employees"] or 0),
                "enterprises": int(r["n_rows"] or 0),
                "share": _share(Decimal(r["value_added"]), total_va),
            }
        )
    return out


def _spatial(
    plan: Plan, year: int, district_ids: list[int] | None, values: dict[tuple[str, str], Any]
) -> list[dict[str, Any]]:
    out = []
    for unit in plan_selectors.plan_spatial_units(plan=plan):
        unit_district_ids = [d.pk for d in unit.districts.all()]
        names = "、".join(d.name for d in sorted(unit.districts.all(), key=lambda d: d.code))
        item: dict[str, Any] = {
            "kind": UNIT_KIND_LABELS.get(unit.kind, unit.kind),
            "code": unit.code,
            "name": unit.name,
            "districts": names,
            "target": "",
            "completion": None,
            "status": "",
        }
        if district_ids is None:
            to, va = values.get((unit.code, "total_output")), values.get((unit.code, "value_added"))
            share = values.get((unit.code, "total_output_share"))
            item.update(
                total_output=_q(to.headline_value) if to else None,
                value_added=_q(va.headline_value) if va else None,
                share=_q(share.headline_value) if share else None,
            )
            if to is not None and to.target_value is not None:
                shown = target_display(to.target_op, to.target_value)
                if shown.endswith("左右"):
                    shown = shown.removesuffix("左右") + to.unit + "左右"
                else:
                    shown += to.unit
                item["target"] = f"{to.target_year}年{shown}"
                item["completion"] = to.completion
                item["status"] = to.status_label
        else:
            if not set(unit_district_ids) & set(district_ids):
                continue  # a district office sees only the units its districts belong to
            area = stats_selectors.AreaSpec(
                code=unit.code,
                name=unit.name,
                district_ids=unit_district_ids,
                platform_ids=[link.platform_id for link in unit.platform_links.all()],
            )
            t = stats_selectors.totals(year=year, districts=district_ids, area=area.q())
            item.update(
                total_output=_yi(t.sums["total_output"]) if t.cells else None,
                value_added=_yi(t.value_added) if t.cells else None,
                share=None,
                districts=names + "（仅统计本区部分）",
            )
        out.append(item)
    return out


def _majors(year: int, district_ids: list[int] | None) -> list[dict[str, Any]]:
    rows = stats_selectors.breakdown(year=year, by=["category_code"], districts=district_ids)
    names = dict(
        CultureCategory.objects.filter(level=CultureCategory.Level.MAJOR).values_list("code", "name")
    )
    agg: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        major = (r["category_code"] or "")[:2] or "00"
        a = agg.setdefault(major, {"value_added": Decimal(0), "revenue": Decimal(0), "n": Decimal(0)})
        a["value_added"] += Decimal(r["value_added"])
        a["revenue"] += Decimal(r["revenue"] or 0)
        a["n"] += r["n_rows"] or 0
    total = sum((a["value_added"] for a in agg.values()), Decimal(0))
    return [
        {
            "code": code,
            "name": names.get(code) or MAJOR_NAMES_FALLBACK.get(code, "未分类"),
            "domain": "核心领域" if code <= "06" and code != "00" else ("相关领域" if code != "00" else "—"),
            "value_added": _yi(a["value_added"]),
            "revenue": _yi(a["revenue"]),
            "enterprises": int(a["n"]),
            "share": _share(a["value_added"], total),
        }
        for code, a in sorted(agg.items())
    ]


def _industries(
    plan: Plan, year: int, district_ids: list[int] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    rows = stats_selectors.breakdown(year=year, by=["category_code", "is_digital"], districts=district_ids)
    total_va = sum((Decimal(r["value_added"]) for r in rows), Decimal(0))
    total_rev = sum((Decimal(r["revenue"] or 0) for r in rows), Decimal(0))
    by_code: dict[str, dict[str, Decimal]] = {}
    digital_va, digital_rev, digital_n = Decimal(0), Decimal(0), 0
    for r in rows:
        c = by_code.setdefault(r["category_code"] or "", {"value_added": Decimal(0), "revenue": Decimal(0)})
        c["value_added"] += Decimal(r["value_added"])
        c["revenue"] += Decimal(r["revenue"] or 0)
        if r["is_digital"]:
            digital_va += Decimal(r["value_added"])
            digital_rev += Decimal(r["revenue"] or 0)
            digital_n += r["n_rows"] or 0
    advantage: list[dict[str, Any]] = []
    emerging: list[dict[str, Any]] = []
    for focus in plan_selectors.plan_industries(plan=plan):
        va = sum((by_code.get(c, {}).get("value_added", Decimal(0)) for c in focus.culture_codes), Decimal(0))
        rev = sum((by_code.get(c, {}).get("revenue", Decimal(0)) for c in focus.culture_codes), Decimal(0))
        item = {
            "code": focus.code,
            "name": focus.name,
            "culture_codes": "、".join(focus.culture_codes) or "（无对应小类，暂无数据）",
            "value_added": _yi(va) if focus.culture_codes else None,
            "revenue": _yi(rev) if focus.culture_codes else None,
            "share": _share(va, total_va) if focus.culture_codes else None,
        }
        (advantage if focus.kind == "advantage" else emerging).append(item)
    digital_info = {
        "value_added": _yi(digital_va),
        "revenue": _yi(digital_rev),
        "enterprises": digital_n,
        "va_share": _share(digital_va, total_va),
        "revenue_share": _share(digital_rev, total_rev),
    }
    return advantage, emerging, digital_info


def _enterprises(
    year: int, district_ids: list[int] | None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    t = stats_selectors.totals(year=year, districts=district_ids)
    above = stats_selectors.totals(year=year, districts=district_ids, filters={"above_scale": True})
    info = {
        "enterprises": int(t.sums["n_rows"]),
        "above_scale": int(above.sums["n_rows"]),
        "above_scale_revenue": _yi(above.sums["revenue"]),
        "above_scale_employees": int(above.sums["employees"] or 0),
        "listed": int(t.sums["n_listed"]),
        "leading": int(t.sums["n_leading"]),
    }
    qs = EnterpriseYear.objects.filter(year=year).select_related("enterprise__district")
    if district_ids is not None:
        qs = qs.filter(enterprise__district_id__in=district_ids)

    def top(flag: str) -> list[dict[str, Any]]:
        rows = qs.filter(**{flag: True}).order_by("-revenue", "enterprise__uscc")[:10]
        return [
            {
                "name": ey.enterprise.name,
                "district": ey.enterprise.district.name if ey.enterprise.district else "",
                "revenue": _yi(ey.revenue) if ey.revenue is not None else None,
                "employees": ey.employees,
            }
            for ey in rows
        ]

    return info, top("is_leading"), top("is_listed")


def _programmes(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "commitments": [
                {
                    "text": c.text,
                    "target": _commitment_target(c.target_op, c.target_value, c.unit),
                }
                for c in p.commitments.all()
            ],
        }
        for p in plan_selectors.plan_programmes(plan=plan)
    ]


def _commitment_target(op: str, value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    if op == "~":
        return f"{_fmt_plain(value)}{unit}左右"
    return ("≥" if op in (">=", "") else op) + _fmt_plain(value) + unit


def _fmt_plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


# --- the whole report --------------------------------------------------------------------------


def _evaluation(
    plan: Plan, rows: list[IndicatorRow], vision: list[IndicatorRow], is_city: bool
) -> list[EvaluationRow]:
    met_years: dict[str, int] = {}
    if is_city:
        stored = (
            stats_selectors.indicator_value_list(plan_code=plan.code)
            .filter(target_met=True, year__gt=plan.base_year)
            .order_by("year")
            .values_list("indicator_code", "year")
        )
        for code, year in stored:
            met_years.setdefault(code, year)
    by_code = {v.code: v for v in vision}
    return [
        EvaluationRow(r, met_years.get(r.code), by_code.get(f"{r.code}_{plan.vision_year}")) for r in rows
    ]


def report_data(
    *,
    kind: str,
    plan_code: str,
    year: int | None = None,
    district_codes: Sequence[str] | None = None,
    progress: Progress = _noop,
) -> ReportData:
    """Gather a monitoring report (for `year`) or the final evaluation (latest year of the plan period
    with data, at most the plan's end year)."""
    if kind not in (MONITORING, FINAL):
        raise ReportError(f"未知报告类型“{kind}”（monitoring 或 final-evaluation）")
    plan = plan_for_report(plan_code)
    district_ids, codes, label = scope_districts(district_codes)
    years = data_years()
    if kind == MONITORING:
        if year is None:
            raise ReportError("统计监测报告须指定年度（--year）")
        year = check_year(year)
    else:
        in_period = [y for y in years if plan.base_year < y <= plan.end_year]
        year = check_year(year) if year is not None else (in_period[-1] if in_period else plan.end_year)
    has_data = year in years
    progress(10, "读取指标值")
    rows = indicator_rows(plan, year, district_ids) if has_data else []
    main = [r for r in rows if r.category != Indicator.Category.VISION]
    vision = [r for r in rows if r.category == Indicator.Category.VISION]
    if not has_data:
        defs = plan_selectors.plan_indicators(plan=plan)
        main = [_empty_row(i, year) for i in defs if i.category != Indicator.Category.VISION]
        vision = [_empty_row(i, year) for i in defs if i.category == Indicator.Category.VISION]
    trend_years = [y for y in years if y <= max(year, plan.base_year)]
    as_of = stats_selectors.totals(year=year, districts=district_ids).as_of if has_data else None
    data = ReportData(
        kind=kind,
        plan_code=plan.code,
        plan_name=plan.name,
        base_year=plan.base_year,
        end_year=plan.end_year,
        vision_year=plan.vision_year,
        year=year,
        scope_label=label,
        district_codes=codes,
        is_city=district_ids is None,
        has_data=has_data,
        as_of=as_of,
        indicators=main,
        vision=vision,
        years=years,
    )
    progress(25, "汇总趋势与区县数据")
    data.trend = _trend(plan, trend_years, district_ids)
    if has_data:
        data.districts = _districts(year, district_ids)
        unit_values = {}
        if district_ids is None:
            for v in stats_selectors.indicator_value_list(
                plan_code=plan.code, year=year, spatial_unit_code=None
            ):
                if v.spatial_unit_code:
                    unit_values[(v.spatial_unit_code, v.indicator_code)] = v
        data.spatial = _spatial(plan, year, district_ids, unit_values)
        progress(40, "汇总产业结构与企业")
        data.majors = _majors(year, district_ids)
        data.advantage, data.emerging, data.digital = _industries(plan, year, district_ids)
        data.enterprises, data.leading, data.listed = _enterprises(year, district_ids)
    data.programmes = _programmes(plan)
    data.execution = execution_data(plan, year, district_ids)
    if kind == FINAL:
        data.evaluation = _evaluation(plan, main, vision, district_ids is None)
    data.notes = _notes(data)
    return data


def _notes(data: ReportData) -> list[tuple[str, str]]:
    official = [r.name for r in data.indicators if r.source_label == "官方数据"]
    computed = [r.name for r in data.indicators if r.source_label == "微观数据计算"]
    va = data.indicator("value_added")
    coverage = f"{va.coverage * 100:.1f}%" if va is not None and va.coverage is not None else "暂无数据"
    as_of = timezone.localtime(data.as_of).strftime("%Y-%m-%d %H:%M:%S") if data.as_of else "暂无数据"
    return [
        ("报告范围", data.scope_label + ("" if data.is_city else "（按账号所辖区县，仅含本区数据）")),
        ("报告年度", f"{data.year}年"),
        (
            "数据来源",
            "规划指标的基期值与目标值取自《" + data.plan_name + "》；年度数值来自文化产业数据库的企业年度数据"
            "（登记、统计、税务、社保数据导入），按《文化及相关产业分类（2018）》归类后汇总；"
            "录入的官方统计数据（附来源文件）优先于微观数据计算值。",
        ),
        ("采用官方数据的指标", "、".join(official) or "无"),
        ("采用微观数据计算的指标", "、".join(computed) or "无"),
        (
            "增加值核算",
            "增加值按收入法（劳动者报酬＋生产税净额＋固定资产折旧＋营业盈余）计算；缺少构成项的企业按同小类"
            f"同年度的增加值率推算。本年度增加值中直接计算部分占比（覆盖率）：{coverage}。",
        ),
        ("数据截至", as_of),
        ("进度评估方法", PROGRESS_METHOD_NOTE),
        (
            "重点项目与任务考核",
            "开工率、建成率：当年计划开工（建成）的入库项目为分母，年末前实际开工（建成）的为分子；"
            "任务考核按所示版本的考核办法计分；报送完整性：在营已登记企业中已报送当年年度数据的比例。",
        ),
        ("金额单位", "亿元（另注明者除外）；比重、增速为百分比。"),
    ]
