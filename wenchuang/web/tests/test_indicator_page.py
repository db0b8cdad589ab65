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
    # one number style: numbers are numbers, codes stay text
    district = list(wb["按区县"].iter_rows(min_row=2))
    assert district and all(isinstance(r[0].value, str) and len(r[0].value) == 6 for r in district)
    assert all(r[0].number_format == "@" for r in district)
    assert any(isinstance(r[2].value, int | float) for r in district)
    if "按大类" in wb.sheetnames:
        codes = [r[0].value for r in wb["按大类"].iter_rows(min_row=2)]
        assert codes and all(isinstance(c, str) and len(c) == 2 for c in codes), codes
    import csv as csv_module

    lines = list(csv_module.reader(io.StringIO(text)))
    series = lines[lines.index(next(r for r in lines if r and r[0] == "# 历年数值")) + 2 :]
    first = series[0]
    assert "," not in first[1] and float(first[1]) > 0  # "2,852.76" is written 2852.76


def test_it_answers_404_for_an_unknown_indicator(data_manager_client: Client, web_data) -> None:
    assert data_manager_client.get("/indicators/nope/").status_code == 404


def test_it_reads_the_indicator_page_in_bounded_queries(
    data_manager_client: Client, web_data, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(20):
        assert data_manager_client.get("/indicators/value_added/").status_code == 200
