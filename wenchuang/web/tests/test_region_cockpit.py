"""District cockpits: a district office opens its own district's cockpit against its own plan, and
never another district's; a district without a plan sees the city plan's indicators over its own data,
said so; the city office sees every district side by side; the public sees no district plan figures."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import District
from wenchuang.stats import services
from wenchuang.web.tests import data

pytestmark = pytest.mark.django_db

XIHU_PLAN = "xihu-14th-culture-sample"


@pytest.fixture(scope="module")
def region_data(web_data, django_db_blocker):
    """The web data set plus the sample plan of 西湖区 with its stored values (same rolled-back block)."""
    with django_db_blocker.unblock():
        plan_load(path=settings.DATA_DIR / "plans" / f"{XIHU_PLAN}.yaml")
        services.indicator_values_recompute(plan_code=XIHU_PLAN, years=data.YEARS)
    return web_data


def _cards(body: str) -> list[str]:
    return re.findall(r'<article class="card h-100 wc-card" data-indicator="([a-z0-9_]+)"', body)


def test_a_district_office_opens_its_own_cockpit_against_its_own_plan(
    district_admin_client: Client, region_data
) -> None:
    # The menu's 区县驾驶舱 takes a district office with one district straight to its own.
    response = district_admin_client.get("/districts/")
    assert response.status_code == 302 and response["Location"] == "/districts/330106/"
    body = district_admin_client.get("/districts/330106/").content.decode()
    assert "西湖区驾驶舱" in body and "对照本区规划：西湖区文化产业发展“十四五”规划（示例）" in body
    assert "示例" in re.search(r'id="plan-description">(.*?)</p>', body, re.S)[1]
    assert _cards(body)[:6] == [
        "value_added",
        "total_output",
        "digital_share",
        "platforms",
        "listed_leading",
        "employment",
    ]
    assert "西湖区文化产业增加值" in body and "2025年目标" in body
    assert "全市文化产业增加值" not in body  # the city's indicators are not this cockpit's
    # The city cockpit links to it, and the district plan asked for there opens here.
    cockpit = district_admin_client.get("/cockpit/").content.decode()
    assert 'href="/districts/330106/"' in cockpit
    redirected = district_admin_client.get(f"/cockpit/?plan={XIHU_PLAN}&year=2023")
    assert redirected.status_code == 302 and redirected["Location"].startswith("/districts/330106/?")


def test_a_district_office_cannot_open_another_districts_cockpit_or_plan(
    district_admin_client: Client, region_data
) -> None:
    response = district_admin_client.get("/districts/330108/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "滨江区的驾驶舱不在您的管辖范围（西湖区）内" in body
    assert 'href="/help/"' in body  # the Chinese error page keeps the site's navigation
    assert district_admin_client.get("/districts/339999/").status_code == 404

    binjiang = UserFactory(
        username="binjiang_office", role=Role.DISTRICT_ADMIN, districts=[District.objects.get(code="330108")]
    )
    other = logged_in_client(binjiang)
    for url in (
        "/districts/330106/",
        f"/cockpit/?plan={XIHU_PLAN}",
        f"/indicators/value_added/?plan={XIHU_PLAN}",
    ):
        refused = other.get(url)
        assert refused.status_code == 403, url
        assert "西湖区" in refused.content.decode()
    # 西湖区's plan is not offered in another district's plan picker.
    assert XIHU_PLAN not in other.get("/cockpit/").content.decode()


def test_a_district_without_its_own_plan_sees_the_city_plans_indicators_for_itself(
    city_admin_client: Client, region_data
) -> None:
    body = city_admin_client.get("/districts/330108/").content.decode()
    assert "滨江区尚未载入区县规划" in body and "不评估目标完成情况" in body
    rows = re.findall(r'<tr data-indicator="([a-z0-9_]+)"><td>(.*?)</td><td class="num">(.*?)</td>', body)
    by_code = {code: (name, value) for code, name, value in rows}
    assert by_code["value_added"][0].startswith("滨江区文化产业增加值")
    assert by_code["value_added"][1] not in ("", "0", "暂无数据")
    assert by_code["gdp_share"][1] == "暂无数据"  # no district GDP entered: said, not zero


def test_the_city_office_sees_every_district_side_by_side(city_admin_client: Client, region_data) -> None:
    response = city_admin_client.get("/districts/?year=2023")
    assert response.status_code == 200
    body = response.content.decode()
    regions = set(re.findall(r'<tr data-region="(\d{6})"', body))
    assert regions == set(District.objects.filter(parent_code="330100").values_list("code", flat=True))
    cells = r"</td>\s*<td[^>]*>"
    xihu = re.findall(
        r'<tr data-region="330106" data-indicator="([a-z_]+)">.*?<td class="num">(.*?)'
        + cells
        + r"(.*?)"
        + cells
        + r'(.*?)</td>\s*<td><span class="badge [^"]*">(.*?)</span>'
        + cells
        + r"(.*?)</td>",
        body,
        re.S,
    )
    by_code = {r[0]: r[1:] for r in xihu}
    value, target, ratio, status, source = by_code["value_added"]
    assert (
        value != "暂无数据" and target == "560（2025）" and ratio.endswith("%") and source == "微观数据计算"
    )
    assert status not in ("", "暂无数据")
    assert "尚未载入区县规划" in body  # every other district, said so


def test_the_public_sees_no_district_plan_figures(client: Client, region_data) -> None:
    assert client.get(f"/layout/?plan={XIHU_PLAN}").status_code == 403
    assert client.get(f"/stats/indicators/{XIHU_PLAN}/2023/").status_code == 403
    assert client.get("/stats/indicators/hangzhou-14th-culture/2023/").status_code == 200
    assert client.get("/districts/330106/").status_code == 302  # to the sign-in page
