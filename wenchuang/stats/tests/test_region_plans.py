"""A district's plan is evaluated over that district's micro data (and its own official figures), not
the city's; corridors and clusters that name platforms are the cells of those platforms' firms."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Sum

from wenchuang.plan.services import plan_load
from wenchuang.registry.models import EnterpriseYear, Platform
from wenchuang.stats import services
from wenchuang.stats.models import IndicatorValue
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

CITY_PLAN = "hangzhou-14th-culture"
XIHU_PLAN = "xihu-14th-culture-sample"
PLANS = Path(settings.DATA_DIR) / "plans"


def _value(plan: str, code: str, year: int, unit: str = "") -> IndicatorValue:
    return IndicatorValue.objects.get(plan_code=plan, indicator_code=code, year=year, spatial_unit_code=unit)


@pytest.fixture
def firms() -> None:
    """Firms in 西湖区, 滨江区 and 上城区 with irregular figures, two years."""
    f.load_reference()
    plan_load(path=PLANS / f"{CITY_PLAN}.yaml")
    plan_load(path=PLANS / f"{XIHU_PLAN}.yaml")
    rng = random.Random(15)
    digital, plain = f.digital_code(), f.plain_code()
    for district in ("330106", "330106", "330106", "330106", "330108", "330108", "330102"):
        for code in (digital, plain):
            ent = f.enterprise(district_code=district, culture_code=code)
            for y in (2020, 2023):
                f.year(
                    ent,
                    y,
                    revenue=rng.randint(500, 90000),
                    components=(rng.randint(10, 900), rng.randint(1, 90), rng.randint(5, 200), 40),
                    employees=rng.randint(20, 3000),
                    is_above_scale=rng.random() < 0.7,
                    is_listed=rng.random() < 0.2,
                )
    services.rollup_refresh()


def test_a_district_plans_indicators_equal_independent_sums_over_its_micro_data(firms: None) -> None:
    services.indicator_values_recompute(plan_code=XIHU_PLAN, years=[2020, 2023])
    xihu = EnterpriseYear.objects.filter(year=2023, enterprise__district__code="330106")
    above = xihu.filter(is_above_scale=True)

    employees = above.aggregate(n=Sum("employees"))["n"]
    employment = _value(XIHU_PLAN, "employment", 2023)
    assert employment.headline_value == (Decimal(employees) * Decimal("0.0001")).quantize(Decimal("0.000001"))
    assert employment.headline_source == "computed"

    digital = above.filter(enterprise__culture_category__is_new_form=True).aggregate(s=Sum("revenue"))["s"]
    share = _value(XIHU_PLAN, "digital_share", 2023)
    assert share.headline_value == pytest.approx(digital / above.aggregate(s=Sum("revenue"))["s"] * 100)

    listed = xihu.filter(is_listed=True).count()
    assert _value(XIHU_PLAN, "listed_leading", 2023).headline_value == listed

    # Value added by the income approach (every row has its four components here).
    va = sum(
        (
            ey.labor_compensation + ey.net_production_tax + ey.depreciation + ey.operating_surplus
            for ey in xihu
        ),
        Decimal(0),
    )
    assert _value(XIHU_PLAN, "value_added", 2023).headline_value == pytest.approx(va * Decimal("0.0001"))
    # The district's figures are not the city's: 滨江 and 上城 firms are left out.
    services.indicator_values_recompute(plan_code=CITY_PLAN, years=[2023])
    assert (
        _value(CITY_PLAN, "value_added", 2023).headline_value
        > _value(XIHU_PLAN, "value_added", 2023).headline_value
    )
    # Judged against the district's own target, with the district's own 2020 value as its base.
    own = _value(XIHU_PLAN, "value_added", 2023)
    assert own.target_value == Decimal(560) and own.base_year == 2020
    assert own.base_value == _value(XIHU_PLAN, "value_added", 2020).headline_value
    assert own.status != "" and own.target_ratio is not None


def test_a_district_plan_reads_the_districts_official_figures_and_not_the_citys(firms: None) -> None:
    services.official_figure_enter(
        code="gdp", year=2023, value=18753, unit="亿元", source_document="杭州市2023年统计公报"
    )
    services.indicator_values_recompute(plan_code=XIHU_PLAN, years=[2023])
    assert _value(XIHU_PLAN, "gdp_share", 2023).headline_value is None  # the city's GDP is not 西湖区's
    services.official_figure_enter(
        code="gdp",
        year=2023,
        value=1500,
        unit="亿元",
        area_kind="district",
        area_code="330106",
        source_document="西湖区2023年国民经济和社会发展统计公报（示例）",
    )
    share = _value(XIHU_PLAN, "gdp_share", 2023)
    va = _value(XIHU_PLAN, "value_added", 2023).headline_value
    assert share.headline_value == pytest.approx(va / Decimal(1500) * 100, abs=Decimal("0.000001"))
    # An official value added entered for the district overrides the computed one, for its plan only.
    services.official_figure_enter(
        code="value_added",
        year=2023,
        value=480,
        unit="亿元",
        plan_code=XIHU_PLAN,
        area_kind="district",
        area_code="330106",
        source_document="西湖区文化产业统计（示例）",
    )
    assert _value(XIHU_PLAN, "value_added", 2023).headline_source == "official"
    assert _value(XIHU_PLAN, "value_added", 2023).headline_value == Decimal(480)


def test_clusters_are_computed_from_their_platforms_and_belts_from_their_districts(firms: None) -> None:
    # 中国网络作家村 is a platform of 白马湖湘湖数字内容产业组团 (滨江、萧山); one 滨江 firm works there.
    writers = Platform.objects.get(name="中国网络作家村")
    inside = f.enterprise(district_code="330108", culture_code=f.digital_code(), platform=writers)
    f.year(inside, 2023, revenue=7000, components=(700, 70, 70, 60), employees=50, is_above_scale=True)
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=CITY_PLAN, years=[2023])
    cluster = _value(CITY_PLAN, "value_added", 2023, "baimahu-xianghu-digital-content")
    assert cluster.headline_value == Decimal("0.09")  # (700+70+70+60) 万元, the platform's firm only
    # 之江文化产业带 names districts only: every firm of its districts (西湖、滨江、上城 among them).
    belt = _value(CITY_PLAN, "value_added", 2023, "zhijiang-belt")
    city = _value(CITY_PLAN, "value_added", 2023)
    assert belt.headline_value == city.headline_value  # all the firms here lie in the belt's districts
    # A corridor whose platforms hold no firm has no value — 暂无数据, not its districts' total.
    corridor = _value(CITY_PLAN, "value_added", 2023, "zhijiang-film-performance")
    assert corridor.headline_value is None
