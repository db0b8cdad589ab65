"""Statistical confidentiality in generated reports (issue 17): a district office's report withholds,
in every table aggregated from micro data, what the API withholds — and nothing it withholds can be
derived from what the report publishes. Every figure of the report is mapped to the set of
enterprise-years it sums; per measure, no withheld set and no single enterprise-year may lie in the
span of the published sets (rank test, as for the API). A city report (city-wide staff) keeps the
internal figures, as the pages do."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache

from wenchuang.classify.models import CultureCategory
from wenchuang.plan.models import Plan
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import EnterpriseYear
from wenchuang.reports import data as report_data
from wenchuang.reports.services import report_build
from wenchuang.stats import services as stats_services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

PLAN = "hangzhou-14th-culture"
YEAR = 2021
VA, TO, REV, EMP, COUNT = "value_added", "total_output", "revenue", "employees", "enterprise_years"


def _codes() -> tuple[str, str, str, str]:
    """Three plain 小类 of three different 大类 and one digital 小类 of a fourth."""
    digital = f.digital_code()
    seen: dict[str, str] = {}
    for code in (
        CultureCategory.objects.filter(level=3, is_new_form=False)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        if code[:2] != digital[:2]:
            seen.setdefault(code[:2], code)
        if len(seen) == 3:
            break
    a, b, c = seen.values()
    return a, b, c, digital


@pytest.fixture
def world(reference, settings, tmp_path):  # type: ignore[no-untyped-def]
    """西湖区: a large 大类 (with one dominant firm among five), a 大类 of two firms, a lone digital firm;
    滨江区: four digital firms and one lone plain firm; both years 2020 (the plan's base) and 2021."""
    settings.VAR_DIR = tmp_path
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    a, b, c, digital = _codes()
    layout = [
        ("330106", a, [900, 1000, 1100, 1200, 40000]),  # the last one dominates its 小类
        ("330106", a, [800, 850, 870]),
        ("330106", b, [300, 310]),
        ("330106", digital, [5000]),
        ("330108", digital, [600, 700, 800, 900]),
        ("330108", c, [777]),
    ]
    for district, code, revenues in layout:
        for i, rev in enumerate(revenues):
            firm = f.enterprise(district_code=district, culture_code=code)
            for y in (2020, 2021):
                f.year(
                    firm,
                    y,
                    revenue=rev + y % 10,
                    components=(rev * 0.1, rev * 0.02, rev * 0.03, rev * 0.05),
                    employees=10 + i,
                    total_output=rev * 1.2,
                    is_above_scale=rev >= 800,
                )
    stats_services.rollup_refresh()
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[2020, 2021])
    cache.clear()


def _in_span(rows: list[np.ndarray], v: np.ndarray) -> bool:
    if not rows:
        return False
    m = np.array(rows, dtype=float)
    return bool(np.linalg.matrix_rank(np.vstack([m, v])) == np.linalg.matrix_rank(m))


class Figures:
    """Every figure of a report as (measure, enterprise-year set, shown?), in the report's order."""

    def __init__(self) -> None:
        self.eys = list(
            EnterpriseYear.objects.select_related("enterprise__district", "enterprise__culture_category")
        )
        self.items: list[tuple[str, np.ndarray, bool, bool]] = []

    def vec(self, pred: Callable[[EnterpriseYear], bool]) -> np.ndarray:
        return np.array([1.0 if pred(ey) else 0.0 for ey in self.eys])

    def add(self, measure: str, value: Any, pred: Callable[[EnterpriseYear], bool]) -> None:
        self.items.append((measure, self.vec(pred), value is not None, True))

    def share(self, measure: str, share: Any, part: Any, total: Callable[[EnterpriseYear], bool]) -> None:
        """A share shown beside its part gives the total (part ÷ share); a share alone is no sum, and a
        withheld share is not a withheld figure of its own."""
        self.items.append((measure, self.vec(total), share is not None and part is not None, False))


def _cat(ey: EnterpriseYear) -> str:
    c = ey.enterprise.culture_category
    return c.code if c else ""


def _figures(rd: report_data.ReportData, plan: Plan) -> Figures:
    fig = Figures()
    codes = set(rd.district_codes)

    def scope(year: int) -> Callable[[EnterpriseYear], bool]:
        return lambda ey: ey.year == year and ey.enterprise.district.code in codes

    def both(p: Callable[[EnterpriseYear], bool], q: Callable[[EnterpriseYear], bool]) -> Callable[..., bool]:
        return lambda ey: p(ey) and q(ey)

    s = scope(rd.year)
    for t in rd.trend:
        for m in (VA, TO):
            fig.add(m, t[m], scope(t["year"]))
    for d in rd.districts:
        where = both(s, lambda ey, c=d["code"]: ey.enterprise.district.code == c)
        for key, m in ((VA, VA), (TO, TO), (REV, REV), (EMP, EMP), ("enterprises", COUNT)):
            fig.add(m, d[key], where)
        fig.share(VA, d["share"], d[VA], s)
    units = {u.code: u for u in plan.spatial_units.all()}
    for item in rd.spatial:
        ds = {x.code for x in units[item["code"]].districts.all()}
        where = both(s, lambda ey, ds=ds: ey.enterprise.district.code in ds)
        fig.add(TO, item["total_output"], where)
        fig.add(VA, item["value_added"], where)
    for mj in rd.majors:
        where = both(s, lambda ey, c=mj["code"]: (_cat(ey)[:2] or "00") == c)
        for key, m in ((VA, VA), (REV, REV), ("enterprises", COUNT)):
            fig.add(m, mj[key], where)
        fig.share(VA, mj["share"], mj[VA], s)
    focus = {x.code: x for x in plan.industries.all()}
    for item in (*rd.advantage, *rd.emerging):
        cats = set(focus[item["code"]].culture_codes)
        where = both(s, lambda ey, cats=cats: _cat(ey) in cats)
        fig.add(VA, item["value_added"], where)
        fig.add(REV, item["revenue"], where)
        fig.share(VA, item["share"], item[VA], s)
    digital = both(
        s, lambda ey: bool(ey.enterprise.culture_category and ey.enterprise.culture_category.is_new_form)
    )
    dig = rd.digital
    fig.add(VA, dig["value_added"], digital)
    fig.add(REV, dig["revenue"], digital)
    fig.add(COUNT, dig["enterprises"], digital)
    fig.share(VA, dig["va_share"], dig[VA], s)
    fig.share(REV, dig["revenue_share"], dig[REV], s)
    ent = rd.enterprises
    above = both(s, lambda ey: ey.is_above_scale)
    fig.add(COUNT, ent["enterprises"], s)
    fig.add(COUNT, ent["above_scale"], above)
    fig.add(REV, ent["above_scale_revenue"], above)
    fig.add(EMP, ent["above_scale_employees"], above)
    # The district's own indicators (a ratio is taken as publishing both its operands: stricter).
    for r in rd.indicators:
        for y, value in ((rd.year, r.value), (rd.base_year, r.base_value)):
            sy = scope(y)
            if r.code in ("value_added", "gdp_share"):
                fig.add(VA, value, sy)
            elif r.code == "total_output":
                fig.add(TO, value, sy)
            elif r.code == "employment":
                fig.add(EMP, value, both(sy, lambda ey: ey.is_above_scale))
            elif r.code == "digital_share":
                fig.add(REV, value, both(sy, lambda ey: ey.is_above_scale))
                fig.add(REV, value, both(both(sy, lambda ey: ey.is_above_scale), digital_any))
    return fig


def digital_any(ey: EnterpriseYear) -> bool:
    return bool(ey.enterprise.culture_category and ey.enterprise.culture_category.is_new_form)


def _check_nothing_derivable(raw: Figures, protected: Figures) -> tuple[int, int]:
    """Withheld = shown without protection, not shown with it (a value missing for want of data is not
    withheld). Returns (withheld, published)."""
    assert [(m, tuple(v)) for m, v, *_ in raw.items] == [(m, tuple(v)) for m, v, *_ in protected.items]
    published: dict[str, list[np.ndarray]] = {}
    for m, v, shown, _ in protected.items:
        if shown and v.any():
            published.setdefault(m, []).append(v)
    withheld = 0
    for (m, v, was, own), (_, _, shown, _) in zip(raw.items, protected.items, strict=True):
        if own and was and not shown and v.any():
            withheld += 1
            assert not _in_span(published.get(m, []), v), (
                f"a withheld {m} figure follows from the published ones"
            )
    n = len(protected.eys)
    for m, rows in published.items():
        for i in range(n):
            assert not _in_span(rows, np.eye(n)[i]), f"one firm's {m} is derivable"
    return withheld, sum(len(r) for r in published.values())


@pytest.mark.parametrize("districts", [["330106"], ["330106", "330108"]])
def test_no_withheld_figure_is_derivable_from_a_district_report(world, districts, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    plan = Plan.objects.get(code=PLAN)

    def build() -> report_data.ReportData:
        return report_data.report_data(
            kind=report_data.MONITORING, plan_code=PLAN, year=YEAR, district_codes=districts
        )

    rd = build()
    with monkeypatch.context() as m:  # the same report without protection: what would have been shown
        m.setattr("wenchuang.reports.confidentiality.protect_report", lambda data, plan: [])
        raw = build()
    withheld, published = _check_nothing_derivable(_figures(raw, plan), _figures(rd, plan))
    assert withheld, "the fixture has small groups: something must be withheld"
    assert published, "and something published"
    assert any(k == "统计保密" for k, _ in rd.notes)


def test_the_lone_firm_of_a_major_is_withheld_and_marked(world) -> None:  # type: ignore[no-untyped-def]
    """The 大类 of two firms in 西湖区 is withheld with its share, as the API withholds it."""
    _a, b, _c, _d = _codes()
    rd = report_data.report_data(
        kind=report_data.MONITORING, plan_code=PLAN, year=YEAR, district_codes=["330106"]
    )
    small = next(m for m in rd.majors if m["code"] == b[:2])
    assert small["value_added"] is None and small["revenue"] is None and small["share"] is None
    assert small["enterprises"] is None
    built = report_build(
        kind=report_data.MONITORING, plan_code=PLAN, fmt="xlsx", year=YEAR, district_codes=["330106"]
    )
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(built.content), read_only=True)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("九大类"))
    row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == b[:2])
    assert row[3] is None and row[4] is None  # value added and share: empty cells, shown as — in print
    text = " ".join(str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "依《统计法》不予公布" in text


def test_a_city_report_keeps_the_internal_figures(world) -> None:  # type: ignore[no-untyped-def]
    """City-wide staff see unsuppressed breakdowns on the pages; the city report follows the same rule."""
    _a, b, _c, _d = _codes()
    rd = report_data.report_data(kind=report_data.MONITORING, plan_code=PLAN, year=YEAR, district_codes=[])
    small = next(m for m in rd.majors if m["code"] == b[:2])
    assert small["value_added"] is not None and small["value_added"] > Decimal(0)
    assert not any(k == "统计保密" for k, _ in rd.notes)
