"""数据发布 in the pages: the public home and layout show only the published version, the city office
publishes with the changes listed, and the cockpit and indicator page mark working figures 未发布
beside the published ones with 覆盖率 beside computed figures; the cockpit shows the project rates."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from wenchuang.stats import services as stats_services
from wenchuang.stats.models import Publication
from wenchuang.stats.tests import factories as f
from wenchuang.web.tests.data import PLAN

pytestmark = pytest.mark.django_db


def _home_value_added(client: Client) -> str:
    body = client.get("/").content.decode()
    row = re.search(r"<td>全市文化产业增加值</td>.*?</tr>", body, re.S)
    assert row is not None
    return re.findall(r'<td class="num">([^<]*)</td>', row[0])[2]


def _import_more() -> None:
    firm = f.enterprise(district_code="330106", culture_code=f.plain_code())
    f.year(
        firm,
        2024,
        revenue=80000,
        components=(8000, 2000, 3000, 6000),
        is_above_scale=True,
        total_output=90000,
    )
    stats_services.rollup_refresh(years=[2024])
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[2024])


def _marked_units(client: Client) -> set[str]:
    """The cockpit's belts and the western counties' card that carry 「未发布」."""
    body = client.get("/cockpit/").content.decode()
    belts = re.findall(r'<tr data-unit="([a-z-]+)">(.*?)</tr>', body, re.S)
    assert len(belts) == 2
    western = re.search(r"西部五区县（市）文化产业总产出占全市比重</h3>(.*?)</div></div>", body, re.S)
    assert western is not None
    marked = {code for code, row in belts if "未发布" in row}
    return marked | ({"western"} if "未发布" in western[1] else set())


def test_the_public_sees_nothing_before_the_city_office_publishes(
    anonymous_client: Client, city_admin_client: Client, web_data
) -> None:
    assert _home_value_added(anonymous_client) == "暂无已发布数据"
    assert "暂无已发布数据" in anonymous_client.get("/layout/").content.decode()
    page = city_admin_client.get("/publications/").content.decode()
    assert "尚未发布任何版本" in page and "全市文化产业增加值" in page and "发布为第1版" in page
    response = city_admin_client.post("/publications/", {"reason": ""})
    assert response.status_code == 302
    version = Publication.objects.get(plan_code=PLAN)
    assert version.number == 1 and version.published_by is not None
    home = anonymous_client.get("/").content.decode()
    assert "数据版本：第1版" in home
    assert _home_value_added(anonymous_client) not in ("暂无已发布数据", "暂无数据")
    assert "数据版本：第1版" in anonymous_client.get("/layout/").content.decode()


def test_after_an_import_staff_see_the_working_figure_marked_unpublished(
    anonymous_client: Client, city_admin_client: Client, data_manager_client: Client, web_data
) -> None:
    city_admin_client.post("/publications/", {"reason": ""})
    published = _home_value_added(anonymous_client)
    assert _marked_units(data_manager_client) == set()
    _import_more()
    assert _home_value_added(anonymous_client) == published
    # The new firm is in 西湖区: the 之江 belt that holds it differs from version 1 and is marked; the
    # canal belt is as published, and the western counties (no firm there: 暂无数据) have nothing to mark.
    assert _marked_units(data_manager_client) == {"zhijiang-belt"}
    cockpit = data_manager_client.get("/cockpit/").content.decode()
    card = re.search(r'<article[^>]*data-indicator="value_added".*?</article>', cockpit, re.S)[0]
    assert "未发布" in card and f"已发布（第1版）：{published}" in card
    assert "覆盖率（报送完整率）" in card
    assert "公众看到的是第1版" in cockpit
    page = data_manager_client.get("/indicators/value_added/").content.decode()
    assert "已发布值（第1版）" in page and "未发布" in page and "覆盖率（报送完整率）" in page
    # A revision without a reason is refused in Chinese; with one it reaches the public.
    response = city_admin_client.post("/publications/", {"reason": ""}, follow=True)
    assert "修订发布须填写修订原因" in response.content.decode()
    pending = city_admin_client.get("/publications/").content.decode()
    assert "修订" in pending and "发布为第2版" in pending
    city_admin_client.post("/publications/", {"reason": "补报西湖区企业年报"})
    assert _home_value_added(anonymous_client) != published
    detail = city_admin_client.get("/publications/2/").content.decode()
    assert "补报西湖区企业年报" in detail and "全市文化产业增加值" in detail
    first = city_admin_client.get("/publications/1/").content.decode()
    assert "已发布（现行） → 已被替代" in first and "被第2版替代" in first


def test_the_cockpit_shows_the_project_rates_against_the_commitment(
    city_admin_client: Client, web_data
) -> None:
    body = city_admin_client.get("/cockpit/").content.decode()
    section = re.search(r'<section[^>]*data-section="project-rates".*?</section>', body, re.S)[0]
    assert "重点项目开工率、竣工率" in section


def test_only_the_city_office_opens_the_publishing_page(
    data_manager_client: Client, district_admin_client: Client, anonymous_client: Client, web_data
) -> None:
    assert data_manager_client.get("/publications/").status_code == 403
    assert district_admin_client.post("/publications/", {"reason": "x"}).status_code == 403
    assert anonymous_client.get("/publications/").status_code in (302, 403)
    assert not Publication.objects.exists()
