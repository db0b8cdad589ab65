from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_it_shows_the_series_target_and_projection(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/indicators/value_added/").content.decode()
    options = json.loads(
        re.search(r'<script id="chart-series" type="application/json">(.*?)</script>', body, re.S)[1]
    )
    names = [s["name"] for s in options["series"]]
    assert names == ["全市文化产业增加值", "目标值", "趋势外推"]
    assert options["xAxis"]["data"][-1] == "2025"
    assert "按区县" in body and "按文化产业大类" in body and "按产业带、走廊、组团" in body
    assert "<table" in body


def test_it_breaks_a_ratio_down_by_district(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/indicators/digital_share/").content.decode()
    assert "按区县" in body and "滨江区" in body


def test_it_scopes_breakdowns_for_a_district_office(district_admin_client: Client, web_data) -> None:
    body = district_admin_client.get("/indicators/value_added/").content.decode()
    table = body.split('id="t-district"')[1].split("</table>")[0]
    assert "西湖区" in table and "滨江区" not in table


def test_it_downloads_csv_and_excel(data_manager_client: Client, web_data) -> None:
    csv = data_manager_client.get("/indicators/value_added/export.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "历年数值" in text and "2024" in text
    xlsx = data_manager_client.get("/indicators/value_added/export.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert "历年数值" in wb.sheetnames and "按区县" in wb.sheetnames


def test_it_answers_404_for_an_unknown_indicator(data_manager_client: Client, web_data) -> None:
    assert data_manager_client.get("/indicators/nope/").status_code == 404


def test_it_reads_the_indicator_page_in_bounded_queries(
    data_manager_client: Client, web_data, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(20):
        assert data_manager_client.get("/indicators/value_added/").status_code == 200


def test_a_district_office_gets_the_publics_suppression(
    district_admin_client: Client, anonymous_client: Client, web_data
) -> None:
    """Statistical confidentiality on the page as on the public API: a district whose value the API
    withholds is shown as — to a district office."""
    from wenchuang.stats.selectors import rollup_years

    year = max(r.year for r in rollup_years())
    api = anonymous_client.get(
        "/api/v1/breakdowns/", {"year": year, "by": "district", "measure": "value_added"}
    ).json()
    hidden = {g["key"] for g in api["groups"] if g["suppressed"]}
    body = district_admin_client.get(f"/indicators/value_added/?year={year}").content.decode()
    table = body.split('id="t-district"')[1].split("</table>")[0]
    row = table.split("西湖区")[1].split("</tr>")[0]
    assert ("—" in row) == ("330106" in hidden)
