"""The final evaluation's project, task and completeness sections carry the figures of the projects,
assessment and approval apps (checked against an independent count over the rows)."""

from __future__ import annotations

import re
from importlib import import_module

import pytest

from wenchuang.projects.models import Project
from wenchuang.reports import layout
from wenchuang.reports.data import FINAL, report_data
from wenchuang.reports.tests.conftest import PLAN

pytestmark = pytest.mark.django_db


def _execution_demo() -> None:
    for app in ("approval", "projects", "assessment"):  # as `wenchuang demo` runs them
        import_module(f"wenchuang.{app}.demo_data").demo_extend(seed=20201231)


def _text(doc: layout.Document) -> str:
    return "\n".join(b.text for b in doc.blocks)


def test_the_final_evaluation_has_real_project_task_and_completeness_figures(demo):
    _execution_demo()
    data = report_data(kind=FINAL, plan_code=PLAN)
    doc = layout.build(data, charts=[])
    text = _text(doc)
    assert f"重点项目库共有项目{Project.objects.count()}个" in text and "暂无数据。项目开工" not in text
    tables = {t.key: t for t in doc.tables}
    rates = tables["项目开工建成率"].rows
    # the report year's start rate, recounted from the projects
    year = data.year
    planned = [
        p
        for p in Project.objects.filter(accepted_on__isnull=False, planned_start__year=year)
        if p.terminated_on is None or p.terminated_on.year >= year
    ]
    started = [p for p in planned if p.actual_start is not None and p.actual_start.year <= year]
    row = next(r for r in rates if r[0] == year and r[1] == "开工率")
    assert (row[3], row[4]) == (len(started), len(planned))
    assert tables["考核排名"].rows[0][0] == 1 and len(tables["考核排名"].rows) == 20
    assert all(r[3] != "暂无数据" for r in tables["重点任务"].rows if "项目开工及建成率" in r[1])
    assert len(tables["报送完整性"].rows) == 13
    # numbered sections, completeness before the data notes
    sections = re.findall(r"^[一二三四五六七八九十]+、(\S+)$", text, re.M)
    assert sections.index("数据报送完整性") < sections.index("数据说明") == len(sections) - 1


def test_a_district_report_keeps_to_its_district(demo):
    _execution_demo()
    data = report_data(kind=FINAL, plan_code=PLAN, district_codes=["330106"])
    tables = {t.key: t for t in layout.build(data, charts=[]).tables}
    assert {r[3] for r in tables["项目清单"].rows} <= {"西湖区"}
    assert [r[1] for r in tables["考核排名"].rows] == ["西湖区人民政府（示例）"]
    assert [r[0] for r in tables["报送完整性"].rows] == ["西湖区"]
