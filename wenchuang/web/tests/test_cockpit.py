from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_sends_staff_from_the_home_page_to_the_cockpit(data_manager_client: Client, web_data) -> None:
    response = data_manager_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/cockpit/"


def test_it_shows_the_eight_main_indicators_as_cards(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/cockpit/").content.decode()
    # Eight main indicators and the two 2035-vision rows (the same series, a second target).
    assert len(re.findall(r'<article class="card h-100 wc-card"', body)) == 10
    assert "全市文化产业增加值" in body
    assert "2020年基期" in body and "2025年目标" in body
    # status badge opens its explanation: stored components in words and numbers
    assert 'data-bs-target="#explain-value_added"' in body
    assert "进度比R" in body
    assert "数据截至" in body


def test_it_shows_gdp_share_western_counties_belts_and_the_map(city_admin_client: Client, web_data) -> None:
    response = city_admin_client.get("/cockpit/")
    body = response.content.decode()
    assert "文化产业增加值占GDP比重" in body
    assert "西部五区县（市）" in body
    assert "之江文化产业带" in body and "大运河（杭州段）文化产业带" in body
    assert "GeoJSON.CN v1.6.2" in body
    options = json.loads(
        re.search(r'<script id="chart-map" type="application/json">(.*?)</script>', body, re.S)[1]
    )
    names = {d["name"] for d in options["series"][0]["data"]}
    assert names == {"西湖区", "滨江区"}


def test_it_limits_a_district_office_to_its_districts(district_admin_client: Client, web_data) -> None:
    body = district_admin_client.get("/cockpit/").content.decode()
    options = json.loads(
        re.search(r'<script id="chart-map" type="application/json">(.*?)</script>', body, re.S)[1]
    )
    assert {d["name"] for d in options["series"][0]["data"]} == {"西湖区"}


def test_it_switches_year(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/cockpit/?year=2022").content.decode()
    assert "驾驶舱 · 2022" in body


def test_it_requires_a_staff_role(enterprise_user_client: Client, anonymous_client: Client, web_data) -> None:
    assert enterprise_user_client.get("/cockpit/").status_code == 403
    assert anonymous_client.get("/cockpit/").status_code == 302


def test_it_reads_the_cockpit_in_bounded_queries(
    data_manager_client: Client, web_data, django_assert_max_num_queries
) -> None:
    # 15 for the figures; + the published version (1), 覆盖率 (2: district names, the filing check) and
    # the key-project rates (4: projects, their dates, unit order, the commitment). None grows with data.
    with django_assert_max_num_queries(22):
        assert data_manager_client.get("/cockpit/").status_code == 200


def test_it_reads_only_stored_values_and_rollups(data_manager_client: Client, web_data) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        data_manager_client.get("/cockpit/")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    # The figures come from stored values and rollups; the one read of the annual facts is 覆盖率
    # (whether each expected enterprise filed), an EXISTS per enterprise, not a sum of micro data.
    micro = [q["sql"] for q in ctx.captured_queries if "registry_enterpriseyear" in q["sql"]]
    assert len(micro) == 1 and 'AS "filed"' in micro[0] and "SUM(" not in micro[0]
    assert "stats_factcell" in sql and "stats_indicatorvalue" in sql


def test_it_serves_the_map_boundaries(anonymous_client: Client) -> None:
    response = anonymous_client.get("/map/districts.geojson")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data["features"]) == 13
