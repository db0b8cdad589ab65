"""A province deployment end to end (settings override, no browser): Zhejiang's divisions, generated
firms in two of its cities, the sample province plan, a full recompute; the rollup reconciles and adds
up city by city; a city office sees its own city's counties only, in the registry selectors and in the
statistics read selectors; the province office's cockpit and the standard reports run."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.classify.reference import reference_load
from wenchuang.core.scope import user_scope
from wenchuang.demo.generate import DemoError
from wenchuang.demo.regiondata import region_generate
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import District, Enterprise, EnterpriseYear
from wenchuang.registry.regions import region_children, region_district_ids
from wenchuang.registry.selectors import district_list_for_user, enterprise_list_for_user
from wenchuang.reports.services import report_build
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.models import FactCell, IndicatorValue
from wenchuang.stats.services import rollup_reconcile, stats_recompute

pytestmark = pytest.mark.django_db

PLAN = "zhejiang-14th-culture-sample"
CITIES = ["330100", "330200"]  # 杭州市, 宁波市


@pytest.fixture
def province(settings):
    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    settings.WENCHUANG_DEFAULT_PLAN = PLAN
    reference_load()
    result = region_generate(region="330000", enterprises=400, seed=7, cities=CITIES)
    assert result.status == "created"
    plan_load(path=django_settings.DATA_DIR / "plans" / f"{PLAN}.yaml")
    stats_recompute()
    return result


def _city_ids(code: str) -> list[int]:
    return region_district_ids(code)


def test_a_province_deployment_rolls_up_city_by_city(province) -> None:
    assert province.rows["enterprises"] == 400
    assert EnterpriseYear.objects.count() == province.rows["enterprise_years"] > 400
    # every firm in a county of the two cities, with a valid code of its county
    parents = set(Enterprise.objects.values_list("district__parent_code", flat=True))
    assert parents == set(CITIES)
    assert all(e.uscc[2:8] == e.district.code for e in Enterprise.objects.select_related("district")[:50])

    assert rollup_reconcile().ok
    cell_cities = set(FactCell.objects.values_list("district__parent_code", flat=True))
    assert cell_cities == set(CITIES)
    for year in (2020, 2022):
        whole = stats_selectors.totals(year=year)
        parts = [stats_selectors.totals(year=year, districts=_city_ids(c)) for c in CITIES]
        assert whole.cells == sum(p.cells for p in parts) > 0
        assert whole.value_added == sum((p.value_added for p in parts), Decimal(0))
        assert whole.sums["n_rows"] == sum(p.sums["n_rows"] for p in parts)

    # the province plan's indicators are computed from the province's cells
    value = IndicatorValue.objects.get(
        plan_code=PLAN, indicator_code="value_added", spatial_unit_code="", year=2022
    )
    expected = stats_selectors.totals(year=2022).value_added * Decimal("0.0001")
    assert value.computed_value == pytest.approx(expected, abs=Decimal("0.01"))
    firms = IndicatorValue.objects.get(
        plan_code=PLAN, indicator_code="above_scale_firms", spatial_unit_code="", year=2022
    )
    assert (
        firms.computed_value
        == stats_selectors.totals(year=2022, filters={"above_scale": True}).sums["n_rows"]
    )

    # the province's children are its cities, named; only those with counties loaded
    assert [(r.code, r.name) for r in region_children("330000")][:2] == [
        ("330100", "杭州市"),
        ("330200", "宁波市"),
    ]


def test_a_city_office_sees_only_its_citys_counties(province) -> None:
    ningbo = UserFactory(role=Role.CITY_ADMIN, region_code="330200")
    scope = user_scope(ningbo)
    ids = set(_city_ids("330200"))
    assert scope.district_ids == ids

    # registry selectors
    seen = enterprise_list_for_user(user=ningbo)
    assert seen.exists()
    assert set(seen.values_list("district__parent_code", flat=True)) == {"330200"}
    assert seen.count() == Enterprise.objects.filter(district__parent_code="330200").count()
    assert {d.pk for d in district_list_for_user(user=ningbo)} == ids

    # statistics read selectors, as the web and the API call them (districts from the scope)
    mine = sorted(scope.district_ids or ())
    rows = stats_selectors.breakdown(year=2022, by=["district__code"], districts=mine)
    assert rows and {r["district__code"][:4] for r in rows} == {"3302"}
    ningbo_total = stats_selectors.totals(year=2022, districts=mine)
    hangzhou_total = stats_selectors.totals(year=2022, districts=_city_ids("330100"))
    assert (
        ningbo_total.value_added + hangzhou_total.value_added == stats_selectors.totals(year=2022).value_added
    )
    assert ningbo_total.value_added < stats_selectors.totals(year=2022).value_added
    majors = stats_selectors.major_breakdown(year=2022, districts=mine)
    assert sum(Decimal(m["value_added"]) for m in majors) == ningbo_total.value_added


def test_the_province_office_cockpit_and_reports_run(province) -> None:
    office = UserFactory(role=Role.CITY_ADMIN, organisation="浙江省文化产业示例办")
    client = logged_in_client(office)
    body = client.get(f"/cockpit/?plan={PLAN}&year=2022").content.decode()
    assert "全省文化产业增加值" in body

    ningbo = logged_in_client(UserFactory(role=Role.CITY_ADMIN, region_code="330200"))
    response = ningbo.get(f"/cockpit/?plan={PLAN}&year=2022")
    assert response.status_code == 200

    built = report_build(kind="monitoring", plan_code=PLAN, fmt="xlsx", year=2022)  # charts need CJK fonts
    assert built.content[:2] == b"PK" and built.data.scope_label == "全省"
    rows = {r.code: r for r in built.data.indicators}
    assert rows["value_added"].value is not None
    assert [u["name"] for u in built.data.spatial][:2] == ["杭州市", "宁波市"]  # the sample's city units
    ningbo_codes = sorted(District.objects.filter(parent_code="330200").values_list("code", flat=True))
    built = report_build(
        kind="monitoring", plan_code=PLAN, fmt="xlsx", year=2022, district_codes=ningbo_codes
    )
    assert built.content[:2] == b"PK"
    assert {r["code"][:4] for r in built.data.districts} == {"3302"}
    assert built.data.scope_label == "宁波市"


def test_the_command_generates_a_region_and_refuses_a_second_set(settings) -> None:
    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    reference_load()
    out = StringIO()
    call_command(
        "demo", "--region", "330000", "--enterprises", "50", "--cities", "330300", "--json", stdout=out
    )
    assert '"status": "created"' in out.getvalue()
    assert set(Enterprise.objects.values_list("district__parent_code", flat=True)) == {"330300"}
    before = list(EnterpriseYear.objects.order_by("pk").values_list("enterprise__uscc", "year", "revenue"))
    again = region_generate(region="330000", enterprises=50, seed=20201231, cities=["330300"])
    assert again.status == "exists"
    replaced = region_generate(
        region="330000", enterprises=50, seed=20201231, cities=["330300"], replace=True
    )
    assert replaced.status == "created"
    after = list(EnterpriseYear.objects.order_by("pk").values_list("enterprise__uscc", "year", "revenue"))
    assert after == before  # same region, N and seed: the same rows
    with pytest.raises(DemoError, match="不是区域 330000 内已载入区县的地级市"):
        region_generate(region="330000", enterprises=5, cities=["320100"], replace=True)
