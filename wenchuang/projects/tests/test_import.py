"""Excel import of an existing project list: all or nothing, row-level Chinese messages."""

from __future__ import annotations

import io

import openpyxl
import pytest

from wenchuang.projects import importer
from wenchuang.projects.models import Project, Status

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.zh for c in importer.COLUMNS])
    for r in rows:
        ws.append([r.get(c.key, "") for c in importer.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = {
    "name": "示例运河文化街区改造",
    "district": "330105",
    "category": "05",
    "investment": 12000,
    "planned_start": "2022-03-01",
    "planned_completion": "2023-12-31",
    "status": "开工",
    "accepted_on": "2021-12-01",
    "actual_start": "2022-04-01",
}


def test_the_template_reads_back_as_its_own_header(reference):
    wb = openpyxl.load_workbook(io.BytesIO(importer.template_workbook()))
    assert [c.value for c in wb.active[1]] == [c.zh for c in importer.COLUMNS]


def test_a_good_file_is_imported_with_its_state_and_an_import_event(city_admin):
    result = importer.project_import(
        user=city_admin, data=_xlsx([GOOD, {**GOOD, "name": "示例二", "status": "储备", "actual_start": ""}])
    )
    assert result.ok and result.created == 2
    p = Project.objects.get(name="示例运河文化街区改造")
    assert p.status == Status.STARTED and str(p.actual_start) == "2022-04-01"
    assert list(p.events.values_list("transition", flat=True)) == ["import"]


def test_one_bad_row_and_nothing_is_written(district_admin):
    rows = [
        {**GOOD, "district": "330106"},
        {**GOOD, "district": "330106", "status": "建成"},  # 建成 without completion date
        {**GOOD, "district": "330105"},  # outside the district office's district
        {**GOOD, "district": "330106", "category": "12", "planned_completion": "2021-01-01"},
    ]
    result = importer.project_import(user=district_admin, data=_xlsx(rows))
    assert not result.ok and Project.objects.count() == 0
    got = {(p.row, p.column): p.reason for p in result.problems}
    assert got[(3, "实际建成日期")] == "状态为建成时必填"
    assert "不在您的管辖范围" in got[(4, "区划代码")]
    assert got[(5, "行业大类代码")].startswith("应为文化产业大类代码")
    assert got[(5, "计划建成日期")] == "计划建成日期不能早于计划开工日期"
    assert (2, "项目名称") not in got


def test_a_file_with_unknown_columns_is_refused_with_a_message(city_admin):
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "金额"])
    buf = io.BytesIO()
    wb.save(buf)
    from wenchuang.core.errors import DomainError

    with pytest.raises(DomainError, match="无法识别的列"):
        importer.project_import(user=city_admin, data=buf.getvalue())
