"""Indicators on the calibrated demo data: the 2020 values equal the plan's 2020 column; official
figures take precedence and change the status; spatial units; the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from wenchuang.demo.generate import demo_generate
from wenchuang.plan.models import Indicator
from wenchuang.plan.services import plan_load
from wenchuang.stats import selectors, services
from wenchuang.stats.models import IndicatorValue
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

PLAN = "hangzhou-14th-culture"
CENT = Decimal("0.01")
MAIN = [
    "value_added",
    "total_output",
    "digital_share",
    "platforms",
    "listed_leading",
    "talents",
    "employment",
    "export_items",
]


@pytest.fixture
def demo() -> None:
    f.load_reference()
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    demo_generate(enterprises=2000)
    services.rollup_refresh()


def _value(code: str, year: int, unit: str = "") -> IndicatorValue:
    return IndicatorValue.objects.get(plan_code=PLAN, indicator_code=code, year=year, spatial_unit_code=unit)


def test_demo_2020_indicators_equal_the_plans_2020_column_via_the_cli(demo: None) -> None:
    out = StringIO()
    call_command("indicators", PLAN, "--year", "2020", "--json", stdout=out)
    data = json.loads(out.getvalue())
    by_code = {d["code"]: d for d in data["indicators"]}
    assert [c for c in by_code if c in MAIN] == MAIN
    for ind in Indicator.objects.filter(plan__code=PLAN, code__in=MAIN):
        d = by_code[ind.code]
        assert d["source"] == "computed"
        assert Decimal(d["value"]) == ind.base_value, ind.code
        assert Decimal(d["target"]["value"]) == ind.target_value
        assert d["progress"]["status"] == "baseline"
        assert d["progress"]["required_rate"] is not None  # growth the target needs is stated already
        assert d["computed"]["components"]["kind"] in {"aggregate", "ratio", "count"}
        assert d["computed"]["as_of"] or d["computed"]["components"]["kind"] == "count"
    va = by_code["value_added"]["computed"]
    assert 0 < va["coverage"] <= 1
    assert Decimal(va["components"]["va_direct"]) + Decimal(va["components"]["va_estimated"]) > 0
    # The GDP share needs the official GDP: until it is entered there is no value, and it says so.
    assert by_code["gdp_share"]["value"] is None and by_code["gdp_share"]["source"] == "none"


def test_official_figures_take_precedence_and_change_the_status(demo: None) -> None:
    services.indicator_values_recompute(plan_code=PLAN, years=[2022])
    before = _value("value_added", 2022)
    assert before.headline_source == "computed" and before.official_value is None
    assert before.status in {"on_track", "acceleration_needed", "limited_progress", "achieved"}

    services.official_figure_enter(
        plan_code=PLAN,
        code="value_added",
        year=2022,
        value=2100,
        unit="亿元",
        source_document="2022年杭州市国民经济和社会发展统计公报",
    )
    services.official_figure_enter(
        code="gdp", year=2022, value=18753 * 10000, unit="万元", source_document="2022年统计公报"
    )
    services.indicator_values_recompute(plan_code=PLAN, years=[2022])
    after = _value("value_added", 2022)
    assert after.headline_source == "official"
    assert after.headline_value == Decimal(2100)
    assert after.official_source.startswith("2022年杭州市")
    assert after.computed_value == before.computed_value  # shown side by side, not replaced
    assert after.status == "deterioration" and after.ratio is not None and after.ratio < 0
    assert "2022年最新值2,100" in after.explanation
    share = _value("gdp_share", 2022)
    # Derived from the chosen inputs: the official value added (not the micro data's) over official GDP.
    expected = Decimal(2100) / Decimal(18753) * 100
    assert share.headline_value == pytest.approx(expected, rel=Decimal("1e-6"))
    assert share.headline_source == "official" and share.components["numerator"]["source"] == "official"
    with pytest.raises(services.OfficialFigureError):
        services.official_figure_enter(code="gdp", year=2023, value=1, unit="万元", source_document=" ")


def test_spatial_units_overlap_but_never_add_into_the_city_total(demo: None) -> None:
    services.indicator_values_recompute(plan_code=PLAN, years=[2020, 2021])
    city = selectors.totals(year=2020)
    by_district = selectors.breakdown(year=2020, by=["district__code"])
    # To the cent: SQLite sums money as floats, so the summation order shows in the last digits.
    assert sum(r["total_output"] for r in by_district) == pytest.approx(city.sums["total_output"], abs=CENT)
    belts = [_value("total_output", 2020, code) for code in ("zhijiang-belt", "grand-canal-belt")]
    for belt in belts:
        assert belt.target_value == Decimal(5000) and belt.target_year == 2025
        assert belt.computed_value and belt.computed_value > 0
    # 上城 (330102) is in both belts: their sum exceeds the output of the districts they cover.
    covered = {"330102", "330106", "330108", "330109", "330111", "330114", "330105", "330113"}
    covered_output = sum(r["total_output"] for r in by_district if r["district__code"] in covered)
    assert sum(b.computed_value for b in belts) > covered_output * Decimal("0.0001")
    assert _value("total_output", 2021, "zhijiang-belt").status != ""  # progress against 5000亿
    west = _value("total_output_share", 2020, "western-five")
    assert west.computed_value is not None and 0 < west.computed_value < 100
    west_output = sum(
        r["total_output"]
        for r in by_district
        if r["district__code"] in {"330111", "330112", "330182", "330122", "330127"}
    )
    assert west.computed_value == pytest.approx(
        west_output / city.sums["total_output"] * 100, rel=Decimal("1e-5")
    )


def test_stats_commands_recompute_and_reconcile(demo: None) -> None:
    out = StringIO()
    call_command("stats", "recompute", "--years", "2021", "--json", stdout=out)
    assert json.loads(out.getvalue())["years"] == [2021]
    out = StringIO()
    # Only 2021's indicator values were computed: reconcile that year (the others have none stored).
    call_command("stats", "reconcile", "--years", "2021", "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
