"""A report made for an earlier published version carries that version's figures and says so, even
after later imports and a newer version; without a version it states that it shows working figures."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from docx import Document as read_docx

from wenchuang.core.errors import DomainError
from wenchuang.reports import services
from wenchuang.reports.tests.conftest import PLAN
from wenchuang.stats import services as stats_services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db
T1 = datetime(2026, 1, 5, 9, 0)


def _firm(revenue: int) -> None:
    firm = f.enterprise(culture_code=f.plain_code())
    f.year(firm, 2021, revenue=revenue, components=(revenue // 10, 20, 30, 50), is_above_scale=True)
    stats_services.rollup_refresh(years=[2021])
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[2021])


def _text(content: bytes) -> str:
    doc = read_docx(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _va(built: services.Built) -> Decimal | None:
    row = built.data.indicator("value_added")
    return row.value if row else None


def test_a_report_for_version_1_after_version_2_carries_version_1s_figures(plan, city_admin) -> None:
    for revenue in (1000, 2000, 3000):
        _firm(revenue)
    v1 = stats_services.publication_publish(user=city_admin, plan_code=PLAN)
    _firm(90000)
    v2 = stats_services.publication_publish(user=city_admin, plan_code=PLAN, reason="补报企业年报")

    def build(publication):  # type: ignore[no-untyped-def]
        return services.report_build(
            kind="monitoring", plan_code=PLAN, year=2021, fmt="docx", generated_at=T1, publication=publication
        )

    first, second, working = build(v1), build(v2), build(None)
    assert _va(first) is not None and _va(first) != _va(second)
    assert _va(second) == _va(working)
    assert "数据版本" in _text(first.content) and "第1版" in _text(first.content)
    assert "补报企业年报" in _text(second.content)
    # v1's indicator rows predate the detail tables (read from today's rollup): the report says so;
    # v2 is as new as the working data, so it has nothing to warn about.
    assert "所选数据版本发布后工作数据已有更新" in _text(first.content)
    assert "所选数据版本发布后工作数据已有更新" not in _text(second.content)
    assert "工作数据（未发布）" in _text(working.content)


def test_a_requested_report_records_its_version_and_refuses_an_unknown_one(
    plan, city_admin, settings, tmp_path
) -> None:
    settings.VAR_DIR = tmp_path
    _firm(1000)
    stats_services.publication_publish(user=city_admin, plan_code=PLAN)
    report = services.report_request(
        user=city_admin,
        kind="monitoring",
        plan_code=PLAN,
        fmt="xlsx",
        year=2021,
        district_codes=[],
        data_version=1,
    )
    assert report.publication is not None and report.publication.number == 1
    assert report.parameters["data_version"] == 1
    with pytest.raises(DomainError, match="第9版不存在"):
        services.report_request(
            user=city_admin,
            kind="monitoring",
            plan_code=PLAN,
            fmt="xlsx",
            year=2021,
            district_codes=[],
            data_version=9,
        )
