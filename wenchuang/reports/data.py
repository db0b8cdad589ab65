"""Everything a report shows, gathered once from the statistics engine and the plan, as plain data.

The three writers (DOCX, XLSX, PDF) and the narrative read only this structure, so the same data and
parameters give the same numbers and text in every format. City-wide indicator values are the stored
ones the indicator endpoint serves (`stats.selectors.indicator_values_json`); for a district office the
indicators are evaluated over its districts only (the plan's targets are city targets, so no progress
is assessed for a district).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from wenchuang.core.errors import DomainError
from wenchuang.plan import selectors as plan_selectors
from wenchuang.plan.models import Indicator, Plan
from wenchuang.registry.models import District, EnterpriseYear
from wenchuang.registry.regions import region_district_ids, region_name
from wenchuang.reports.execution import execution_data
from wenchuang.stats import readmodel
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.models import Publication
from wenchuang.stats.presenters import COMPLETION_LABELS, pct, target_display
from wenchuang.stats.readmodel import IndicatorRow

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
PROGRESS_METHOD_NOTE = (
    "进度评估采用联合国亚太经社会（UN ESCAP）/Open SDG方法：以基期（2020年）至最新年度的实际年均增速与"
    "实现目标所需年均增速之比R判断状态（R≥0.95进展顺利，0.60–0.95需加快进度，0–0.60进展有限，<0出现倒退；"
    "已达到目标值的为已实现目标）；同时按规划惯例给出时序进度：增量完成度＝（最新值−基期值）/（目标值−基期值），"
    "时间进度＝（报告年度−基期年）/（目标年−基期年），完成度不低于时间进度即达到时序进度。"
    "目标完成率＝最新值/目标值。到目标年（规划期末）不再判断“进展顺利”，只判定已实现或未实现（并列出差距）。"
)
GROWTH_RULE_NOTE = (
    "增速只在同一来源的两个数值之间计算（官方数据与官方数据、微观数据计算值与微观数据计算值）；"
    "来源不同的标注“口径不同”，不给出增速。以规划公布的基期值与微观数据计算值计算的年均增速已逐项标注。"
)


class ReportError(DomainError, ValueError):
    """A parameter the report cannot be made with (unknown plan, bad year, bad format)."""


Progress = Callable[[int, str], None]


def _noop(pct: int, msg: str) -> None:
    return None


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
    # The report covers its plan's own region (the city for the city plan, the district for a
    # district's plan): rows are the plan's stored values, judged against its targets.
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
    policy_effect: list[dict[str, Any]] = field(default_factory=list)
    execution: dict[str, Any] = field(default_factory=dict)  # reports/execution.py
    notes: list[tuple[str, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    coverage: list[readmodel.CoverageYear] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    version_label: str = "工作数据（未发布）"  # which published version the figures are (reports/data.py)

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


# The label of a report over the whole deployment region, by the deployment's level.
WHOLE_REGION = {"city": "全市", "province": "全省", "nation": "全国"}


def region_label(plan: Plan) -> str:
    """The name a report gives the plan's region: 全市 / 全省 / 全国 for the deployment's own region,
    otherwise the region's own name (西湖区 for a district's plan, 宁波市 for a city's)."""
    if plan.region_code == settings.WENCHUANG_REGION_CODE:
        return WHOLE_REGION.get(settings.WENCHUANG_DEPLOYMENT_LEVEL, "全市")
    return region_name(plan.region_code)


def scope_districts(district_codes: Sequence[str] | None) -> tuple[list[int] | None, list[str], str]:
    """(district ids or None for the city, sorted codes, label) for a list of district codes."""
    if not district_codes:
        return None, [], WHOLE_REGION.get(settings.WENCHUANG_DEPLOYMENT_LEVEL, "全市")
    found = list(District.objects.filter(code__in=list(district_codes)).order_by("code"))
    missing = sorted(set(district_codes) - {d.code for d in found})
    if missing:
        raise ReportError(f"未知区县代码：{'、'.join(missing)}")
    label = "、".join(d.name for d in found)
    parents = {d.parent_code for d in found}
    if len(found) > 1 and len(parents) == 1:
        # every county of one city (a city office in a province deployment): name the city
        parent = parents.pop()
        if District.objects.filter(parent_code=parent).count() == len(found):
            label = region_name(parent)
    return [d.pk for d in found], [d.code for d in found], label


def data_years(plan: Plan | None = None, version: Publication | None = None) -> list[int]:
    """Years with micro data, or (for a plan) with a chosen indicator value — official figures alone
    make a year reportable."""
    years = {r.year for r in stats_selectors.rollup_years()}
    if plan is not None:
        years |= set(readmodel.years_with_values(plan_code=plan.code, version=version))
    return sorted(years)


# --- indicators ---------------------------------------------------------------------------------


def _city_rows(
    plan: Plan, year: int, defs: list[Indicator], version: Publication | None = None
) -> list[IndicatorRow]:
    return readmodel.indicator_rows(plan=plan, year=year, version=version)


def _empty_row(ind: Indicator, year: int) -> IndicatorRow:
    return readmodel.empty_row(
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        category=ind.category,
        year=year,
        base_year=ind.base_year,
        base_value=ind.base_value,
        target_year=ind.target_year,
        target_op=ind.target_op,
        target_value=ind.target_value,
    )


def indicator_rows(
    plan: Plan, year: int, district_ids: list[int] | None, label: str = "", version: Publication | None = None
) -> list[IndicatorRow]:
    defs = plan_selectors.plan_indicators(plan=plan)
    if district_ids is None:
        return _city_rows(plan, year, defs, version)
    return readmodel.district_indicator_rows(plan=plan, year=year, district_ids=district_ids, label=label)


# --- breakdowns ----------------------------------------------------------------------------------


def _trend(
    plan: Plan, years: list[int], district_ids: list[int] | None, version: Publication | None = None
) -> list[dict[str, Any]]:
    if not years:
        return []
    if district_ids is None:
        by = {
            (r.code, r.year): r
            for code in ("value_added", "total_output")
            for r in readmodel.indicator_series(
                plan_code=plan.code, code=code, until=max(years), version=version
            )
        }
        out = []
        for y in years:
            item: dict[str, Any] = {"year": y}
            for code in ("value_added", "total_output"):
                r = by.get((code, y))
                item[code] = _q(r.value) if r else None
                item[f"{code}_source"] = r.source_label if r else "暂无数据"
                item[f"{code}_yoy"] = r.yoy if r else None
            out.append(item)
        return out
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
    rows = stats_selectors.district_breakdown(year=year, districts=district_ids)
    total_va = sum((r["value_added"] for r in rows), Decimal(0))
    out = []
    for r in rows:
        out.append(
            {
                "code": r["code"],
                "name": r["name"],
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
    rows = stats_selectors.major_breakdown(year=year, districts=district_ids)
    total = sum((r["value_added"] for r in rows), Decimal(0))
    return [
        {
            "code": r["code"] or "00",
            "name": r["name"],
            "domain": r["domain"],
            "value_added": _yi(r["value_added"]),
            "revenue": _yi(r["revenue"]),
            "enterprises": int(r["n_rows"] or 0),
            "share": _share(r["value_added"], total),
        }
        for r in rows
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
    """The final evaluation's rows: the first met year is read from the series up to the report's year
    only (`readmodel.indicator_rows`), the 2035 outlook is the vision row of the same series."""
    by_code = {v.code: v for v in vision}
    return [
        EvaluationRow(r, r.first_year_met if is_city else None, by_code.get(f"{r.code}_{plan.vision_year}"))
        for r in rows
    ]


def report_data(
    *,
    kind: str,
    plan_code: str,
    year: int | None = None,
    district_codes: Sequence[str] | None = None,
    progress: Progress = _noop,
    version: Publication | None = None,
) -> ReportData:
    """Gather a monitoring report (for `year`) or the final evaluation (latest year of the plan period
    with data, at most the plan's end year). With `version`, the city's indicator figures are those of
    that published version (the micro-data sections read the current rollup)."""
    if kind not in (MONITORING, FINAL):
        raise ReportError(f"未知报告类型“{kind}”（monitoring 或 final-evaluation）")
    plan = plan_for_report(plan_code)
    district_ids, codes, label = scope_districts(district_codes)
    # `own`: the report covers the plan's own region, so its rows are the plan's stored values judged
    # against its targets (the city plan for the city; a district's plan for that district, asked by
    # the city office or by the district office itself). Otherwise a district's share of another
    # region's plan: evaluated over the districts, no targets.
    own = district_ids is None
    if plan.region_code != settings.WENCHUANG_REGION_CODE:
        region_ids = region_district_ids(plan.region_code)
        if district_ids is None or set(district_ids) == set(region_ids):
            own = True
            district_ids, codes, label = scope_districts(
                list(District.objects.filter(pk__in=region_ids).values_list("code", flat=True))
            )
            label = region_label(plan)
    if not own:
        version = None  # a district's share is evaluated over its micro data, never published
    years = data_years(plan if own else None, version)
    warnings: list[str] = []
    if kind == MONITORING:
        if year is None:
            raise ReportError("统计监测报告须指定年度（--year）")
        year = check_year(year)
        if not plan.base_year <= year <= plan.end_year:
            warnings.append(
                f"报告年度{year}年不在规划基期至期末（{plan.base_year}–{plan.end_year}年）之内，进度评估仅供参考。"
            )
    else:
        in_period = [y for y in years if plan.base_year < y <= plan.end_year]
        year = check_year(year) if year is not None else (in_period[-1] if in_period else plan.end_year)
        if not plan.base_year < year <= plan.end_year:
            raise ReportError(
                f"终期评估年度须在规划期内（{plan.start_year}–{plan.end_year}年），{year}年不在其中"
            )
    has_data = year in years
    progress(10, "读取指标值")
    rows = indicator_rows(plan, year, None if own else district_ids, label, version) if has_data else []
    main = [r for r in rows if r.category != Indicator.Category.VISION]
    vision = [r for r in rows if r.category == Indicator.Category.VISION]
    if not has_data:
        defs = plan_selectors.plan_indicators(plan=plan)
        main = [_empty_row(i, year) for i in defs if i.category != Indicator.Category.VISION]
        vision = [_empty_row(i, year) for i in defs if i.category == Indicator.Category.VISION]
    trend_years = [y for y in years if y <= max(year, plan.base_year)]
    # The micro data's as-of: the report's as-of, and the test of whether they postdate a chosen version.
    micro_as_of = stats_selectors.totals(year=year, districts=district_ids).as_of if has_data else None
    as_of = micro_as_of
    if has_data and own:
        chosen_as_of = readmodel.as_of(plan_code=plan.code, year=year, version=version)
        as_of = max((t for t in (as_of, chosen_as_of) if t is not None), default=None)
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
        is_city=own,
        has_data=has_data,
        as_of=as_of,
        indicators=main,
        vision=vision,
        years=years,
        warnings=warnings,
    )
    if own:
        data.coverage = readmodel.value_added_coverage(plan_code=plan.code, until=year, version=version)
    if version is not None:
        when = timezone.localtime(version.published_at).strftime("%Y-%m-%d %H:%M")
        data.version_label = f"{version.label}（发布于{when}；{version.reason}）"
        if micro_as_of is not None and micro_as_of > version.published_at:
            # The indicator rows are the version's; the detail tables (districts, 大类, industries,
            # firms) are regrouped from the rollup as it is now. Say so rather than mix them unmarked.
            newer = timezone.localtime(micro_as_of).strftime("%Y-%m-%d %H:%M")
            data.warnings.append(
                f"所选数据版本发布后工作数据已有更新（截至{newer}）："
                "指标数值取自该发布版本，区县、行业与企业等明细表按生成时的工作数据计算，二者可能不一致。"
            )
    elif not own:
        data.version_label = "按所辖区县微观数据计算（区县数据不属于发布版本）"
    progress(25, "汇总趋势与区县数据")
    data.trend = _trend(plan, trend_years, None if own else district_ids, version)
    # Sections only the micro data can fill (districts, 大类, industries, firms) stay 暂无数据 for a
    # year known from official figures alone — never zeros.
    has_micro = year in {r.year for r in stats_selectors.rollup_years()}
    if has_data:
        data.districts = _districts(year, district_ids) if has_micro else []
        unit_values = {}
        if own:
            for v in stats_selectors.indicator_value_list(
                plan_code=plan.code, year=year, spatial_unit_code=None, version=version
            ):
                if v.spatial_unit_code:
                    unit_values[(v.spatial_unit_code, v.indicator_code)] = v
        data.spatial = _spatial(plan, year, None if own else district_ids, unit_values)
    if has_data and has_micro:
        progress(40, "汇总产业结构与企业")
        data.majors = _majors(year, district_ids)
        data.advantage, data.emerging, data.digital = _industries(plan, year, district_ids)
        data.enterprises, data.leading, data.listed = _enterprises(year, district_ids)
    data.programmes = _programmes(plan)
    data.policy_effect = _policy_effect(district_ids)
    data.execution = execution_data(plan, year, district_ids)
    if kind == FINAL:
        data.evaluation = _evaluation(plan, main, vision, own)
    from wenchuang.reports.confidentiality import protect_report  # it reads ReportData

    # Statistical confidentiality before the notes, which name the values shown.
    withheld = protect_report(data, plan=plan)
    data.notes = _notes(data) + withheld
    return data


def _policy_effect(district_ids: list[int] | None) -> list[dict[str, Any]]:
    """惠企政策兑现 (policy.selectors' effect table), for the report's districts."""
    from wenchuang.policy.selectors import effect_for_districts

    return [
        {
            "title": r.policy.title,
            "mode": r.policy.get_mode_display(),
            "qualifying": r.qualifying,
            "applying": r.applying,
            "approved": r.approved,
            "paid": r.paid,
            "amount": r.amount,
            "median_days": r.median_days,
            "overdue": r.overdue,
        }
        for r in effect_for_districts(district_ids=district_ids)
    ]


def _notes(data: ReportData) -> list[tuple[str, str]]:
    rows = [*data.indicators, *data.vision]
    official = [r.name for r in data.indicators if r.source == "official" and r.value is not None]
    computed = [r.name for r in data.indicators if r.source == "computed" and r.value is not None]
    provisional = list(
        dict.fromkeys(
            f"{r.name}（{r.reliability_label or r.source_label}）" for r in rows if r.is_provisional
        )
    )
    mixed = [r.name for r in data.indicators if r.mixed_sources]
    va = data.indicator("value_added")
    coverage = f"{va.coverage * 100:.1f}%" if va is not None and va.coverage is not None else "暂无数据"
    as_of = timezone.localtime(data.as_of).strftime("%Y-%m-%d %H:%M:%S") if data.as_of else "暂无数据"
    db_coverage = (
        "；".join(
            f"{c.year}年{pct(c.coverage)}（微观{c.micro.quantize(CENT) if c.micro is not None else '—'}亿元／"
            f"官方{c.official.quantize(CENT) if c.official is not None else '—'}亿元）"
            for c in data.coverage
        )
        or "暂无同时具有官方数据和微观数据的年度"
    )
    notes = [
        ("报告范围", data.scope_label + ("" if data.is_city else "（按账号所辖区县，仅含本区数据）")),
        ("报告年度", f"{data.year}年"),
        ("数据版本", data.version_label),
        (
            "数据来源",
            "规划指标的基期值与目标值取自《" + data.plan_name + "》；年度数值来自文化产业数据库的企业年度数据"
            "（登记、统计、税务、社保数据导入），按《文化及相关产业分类（2018）》归类后汇总；"
            "录入的官方统计数据（附来源文件）优先于微观数据计算值；占GDP比重、远景目标等派生指标"
            "由其输入指标的采用值计算。",
        ),
        ("采用官方数据的指标", "、".join(official) or "无"),
        ("采用微观数据计算的指标", "、".join(computed) or "无"),
        ("初步数与估算数", "、".join(provisional) or "无"),
        ("口径不同的比较", ("、".join(mixed) + "：" + GROWTH_RULE_NOTE) if mixed else GROWTH_RULE_NOTE),
        (
            "增加值核算",
            "增加值按收入法（劳动者报酬＋生产税净额＋固定资产折旧＋营业盈余）计算；缺少构成项的企业按同小类"
            f"同年度的增加值率推算。本年度增加值中直接计算部分占比（覆盖率）：{coverage}。",
        ),
        ("数据库覆盖率（微观数据增加值÷官方增加值）", db_coverage),
        ("数据截至", as_of),
        ("完成度口径", "；".join(COMPLETION_LABELS.values())),
        ("进度评估方法", PROGRESS_METHOD_NOTE),
        (
            "重点项目与任务考核",
            "开工率、建成率：当年计划开工（建成）的入库项目为分母，年末前实际开工（建成）的为分子；"
            "任务考核按所示版本的考核办法计分；报送完整性：在营已登记企业中已报送当年年度数据的比例。",
        ),
        ("金额单位", "亿元（另注明者除外）；比重、增速为百分比。"),
    ]
    if data.warnings:
        notes.insert(2, ("年度提示", "".join(data.warnings)))
    return notes
