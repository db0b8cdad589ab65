"""Statistical confidentiality in generated reports, by the rule the API and the pages follow: a
report for the whole city is made only by city-wide staff, who see the internal figures on the pages
too; a report scoped to districts (a district office's) gets primary and complementary suppression
(`stats.confidentiality`) in every figure aggregated from micro data — the district, 大类, spatial
unit, focus-industry, digital and market tables, the trend and the district's own indicator values.

A withheld figure becomes None, which every writer shows as "—" (as the pages do), and the report's
notes say why. A share is shown only where both its part and the scope's total are publishable:
part ÷ share would otherwise give the total back. Every check is on the year's protected table of the
figure's measure, restricted to the report's districts, so what one report publishes is a set of
unions of safe blocks — as on the API, no withheld cell follows from any combination of them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from wenchuang.plan import selectors as plan_selectors
from wenchuang.plan.models import Plan
from wenchuang.stats import confidentiality as conf
from wenchuang.stats.disclosure import Key
from wenchuang.stats.readmodel import IndicatorRow

if TYPE_CHECKING:  # reports.data calls this module
    from wenchuang.reports.data import ReportData

COUNT = "enterprise_years"
WITHHELD = "依统计法不予公布"
NOTE = (
    "表中“—”为依《统计法》不予公布的数据：少于{n}家企业或由个别企业主导的数据，以及可由已公布的合计与"
    "其余数据推算出这些数据的数据（次级保密）；相应的占比一并不予公布。"
)

Where = Callable[[Key], bool]


def _in(codes: Collection[str]) -> Where:
    wanted = frozenset(codes)
    return lambda k: k[conf.D] in wanted


def _and(a: Where, b: Where) -> Where:
    return lambda k: a(k) and b(k)


def _major(code: str) -> Where:
    if code == "00":  # the rollup's "unclassified" row
        return lambda k: not k[conf.CAT]
    return lambda k: (k[conf.CAT] or "")[:2] == code


def _unit(districts: Collection[str], platforms: Collection[int]) -> Where:
    """A spatial unit's atoms: its districts' and its platforms' (as the rollup's area filter)."""
    return lambda k: k[conf.D] in districts or k[conf.P] in platforms


def _minors(codes: Collection[str]) -> Where:
    wanted = frozenset(codes)
    return lambda k: k[conf.CAT] in wanted


def _hide(item: dict[str, Any], year: int, where: Where, fields: dict[str, str]) -> set[str]:
    """Set to None every field (→ measure) of `item` whose aggregate over `where` is not publishable;
    the names withheld."""
    hidden = {f for f, m in fields.items() if not conf.allows(year=year, measure=m, where=where)}
    for f in hidden:
        item[f] = None
    return hidden


def protect_report(data: ReportData, *, plan: Plan) -> list[tuple[str, str]]:
    """Withhold, in place, what a district-scoped report may not publish (a city report is unchanged);
    the notes to add to the report's 数据说明."""
    if data.is_city or not data.has_data:
        return []
    year = data.year
    scope = _in(data.district_codes)
    withheld = 0
    total_va_ok = conf.allows(year=year, measure="value_added", where=scope)
    total_rev_ok = conf.allows(year=year, measure="revenue", where=scope)

    for t in data.trend:
        withheld += len(
            _hide(t, t["year"], scope, {"value_added": "value_added", "total_output": "total_output"})
        )

    for d in data.districts:
        hidden = _hide(
            d,
            year,
            _and(scope, _in([d["code"]])),
            {
                "value_added": "value_added",
                "total_output": "total_output",
                "revenue": "revenue",
                "employees": "employees",
                "enterprises": COUNT,
            },
        )
        withheld += len(hidden)
        if "value_added" in hidden or not total_va_ok:
            d["share"] = None

    units = {u.code: u for u in plan_selectors.plan_spatial_units(plan=plan)}
    for s in data.spatial:
        unit = units.get(s["code"])
        if unit is None:
            continue
        codes = {d.code for d in unit.districts.all()}
        platforms = {link.platform_id for link in unit.platform_links.all()}
        where = _and(scope, _unit(codes, platforms))
        withheld += len(_hide(s, year, where, {"total_output": "total_output", "value_added": "value_added"}))
        s["share"] = None  # a district report shows no city share (the city total is not its figure)

    for m in data.majors:
        hidden = _hide(
            m,
            year,
            _and(scope, _major(m["code"])),
            {"value_added": "value_added", "revenue": "revenue", "enterprises": COUNT},
        )
        withheld += len(hidden)
        if "value_added" in hidden or not total_va_ok:
            m["share"] = None

    focus = {f.code: f for f in plan_selectors.plan_industries(plan=plan)}
    for item in (*data.advantage, *data.emerging):
        f = focus.get(item["code"])
        if f is None or not f.culture_codes:
            continue
        where = _and(scope, _minors(f.culture_codes))
        hidden = _hide(item, year, where, {"value_added": "value_added", "revenue": "revenue"})
        withheld += len(hidden)
        if "value_added" in hidden or not total_va_ok:
            item["share"] = None

    if data.digital:
        dig = data.digital
        where = _and(scope, lambda k: bool(k[conf.DIGITAL]))
        hidden = _hide(
            dig, year, where, {"value_added": "value_added", "revenue": "revenue", "enterprises": COUNT}
        )
        withheld += len(hidden)
        if "value_added" in hidden or not total_va_ok:
            dig["va_share"] = None
        if "revenue" in hidden or not total_rev_ok:
            dig["revenue_share"] = None

    if data.enterprises:
        ent = data.enterprises
        withheld += len(_hide(ent, year, scope, {"enterprises": COUNT}))
        above = _and(scope, lambda k: bool(k[conf.SCALE]))
        withheld += len(
            _hide(
                ent,
                year,
                above,
                {
                    "above_scale": COUNT,
                    "above_scale_revenue": "revenue",
                    "above_scale_employees": "employees",
                },
            )
        )

    withheld += _protect_indicators(data, plan, scope)
    return [("统计保密", NOTE.format(n=conf.rule().min_count))] if withheld else []


def _protect_indicators(data: ReportData, plan: Plan, scope: Where) -> int:
    """The district's own indicator values (each formula evaluated over its districts) and their base
    year values: an operand over micro data must be publishable; a value built on another indicator
    (a share of GDP, a 2035 series) follows that indicator."""
    formulas = {i.code: i.formula or {} for i in plan.indicators.all()}
    rows: list[IndicatorRow] = [*data.indicators, *data.vision]
    shown: dict[tuple[str, int], bool] = {}
    withheld = 0

    def ok(code: str, year: int) -> bool:
        if (code, year) in shown:
            return shown[(code, year)]
        f = formulas.get(code, {})
        kind = f.get("kind")
        if kind == "series":
            result = ok(str(f.get("indicator")), year)
        elif kind in ("aggregate", "ratio"):
            specs = [f] if kind == "aggregate" else [f.get("numerator", {}), f.get("denominator", {})]
            result = True
            for spec in specs:
                if "indicator" in spec:
                    result = result and ok(str(spec["indicator"]), year)
                else:
                    verdict = conf.operand_allowed(spec, year=year, where=scope)
                    result = result and verdict is not False
        else:  # counts of platforms, talents, export items, listed firms: no respondent's magnitude
            result = True
        shown[(code, year)] = result
        return result

    for r in rows:
        if r.value is not None and not ok(r.code, data.year):
            r.value = r.exact = r.computed_value = None
            r.observed_rate = r.rate_still_required = r.projected_value = None
            r.yoy = None
            r.status_label = WITHHELD
            withheld += 1
        if r.base_value is not None and r.base_year is not None and not ok(r.code, r.base_year):
            r.base_value = None
            r.observed_rate = None
            withheld += 1
    return withheld
