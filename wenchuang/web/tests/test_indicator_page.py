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
    # + the published version and its series (2), 覆盖率 of the year shown (2): fixed, not per row.
    with django_assert_max_num_queries(24):
        assert data_manager_client.get("/indicators/value_added/").status_code == 200


def test_it_shows_coverage_and_keeps_numbers_as_numbers(data_manager_client: Client, web_data) -> None:
    from decimal import Decimal

    from wenchuang.stats import services
    from wenchuang.stats.models import IndicatorValue

    computed = IndicatorValue.objects.get(
        plan_code="hangzhou-14th-culture",
        indicator_code="value_added",
        spatial_unit_code="",
        year=2024,
    ).computed_value
    assert computed is not None
    official = (computed * Decimal("1.25")).quantize(Decimal("0.01"))
    services.official_figure_enter(
        code="value_added", year=2024, value=official, unit="亿元", source_document="2024年统计公报"
    )
    body = data_manager_client.get("/indicators/value_added/?year=2024").content.decode()
    table = body.split('id="t-coverage"')[1].split("</table>")[0]
    # micro ÷ official, by an independent division
    assert f"{float(computed / official) * 100:.1f}%" in table
    xlsx = data_manager_client.get("/indicators/value_added/export.xlsx?year=2024")
    ws = load_workbook(io.BytesIO(xlsx.content))["历年数值"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[2024][1] == pytest.approx(float(official))  # a number, not "3,565.95" text
    assert rows[2024][2] == "官方数据"


def test_a_district_office_gets_the_publics_suppression(district_admin_client: Client, web_data) -> None:
    """Statistical confidentiality on the page as on the API: a district whose value the API withholds
    from a caller without city-wide rights (the public reads the same answers, frozen in a published
    version) is shown as — to a district office."""
    from wenchuang.stats.selectors import rollup_years

    year = max(r.year for r in rollup_years())
    api = district_admin_client.get(
        "/api/v1/breakdowns/", {"year": year, "by": "district", "measure": "value_added"}
    ).json()
    hidden = {g["key"] for g in api["groups"] if g["suppressed"]}
    body = district_admin_client.get(f"/indicators/value_added/?year={year}").content.decode()
    table = body.split('id="t-district"')[1].split("</table>")[0]
    row = table.split("西湖区")[1].split("</tr>")[0]
    assert ("—" in row) == ("330106" in hidden)
