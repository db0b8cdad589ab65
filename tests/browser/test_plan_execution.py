"""End to end in the browser: a key project from the call to completion with the rates moving; a
district reports a task and the score changes as the method says; a district-year is approved, an
import into it is refused, the city reopens it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory, logged_in_client
from wenchuang.approval.models import DistrictYear
from wenchuang.ingest.services import import_file
from wenchuang.projects.models import Project

pytestmark = pytest.mark.browser


def _as_city(page: Any, base: str) -> None:
    """The city office needs 2FA: reuse a verified session (the sign-in flow is tested elsewhere)."""
    city = UserFactory(username="browser_city", role=Role.CITY_ADMIN)
    client = logged_in_client(city)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def _rate(page: Any, base: str, year: int, cls: str) -> str:
    page.goto(f"{base}/projects/rates/?year={year}")
    return page.inner_text(f"#rate-table tr[data-key=city] td.{cls}").split()[0]


def test_a_project_goes_from_call_to_completion_and_the_rates_move(site: dict[str, Any], page: Any) -> None:
    base, year = site["url"], timezone.localdate().year
    sign_in(page, base, "browser_xihu")
    page.goto(f"{base}/projects/submit/")
    page.fill("#id_name", "示例西湖数字文化产业园")
    page.select_option("#id_district", label="西湖区")
    page.select_option("#id_category", index=1)
    page.fill("#id_planned_investment", "50000")
    page.fill("#id_planned_start", f"{year}-01-01")
    page.fill("#id_planned_completion", f"{year}-06-30")
    page.click("#submit-form button")
    assert "征集·待区县审核" in page.inner_text("#project-status")
    project = Project.objects.get(name="示例西湖数字文化产业园")
    page.select_option("#action", "forward")
    page.click("#step-form button")
    assert "区县已推荐" in page.inner_text("#project-status")

    _as_city(page, base)
    assert _rate(page, base, year, "start-rate") == "暂无数据"
    page.goto(f"{base}/projects/{project.pk}/")
    page.select_option("#action", "accept")
    page.click("#step-form button")
    assert page.inner_text("#project-status") == "储备"
    assert _rate(page, base, year, "start-rate").startswith("0.0%")

    page.context.clear_cookies()
    sign_in(page, base, "browser_xihu")
    page.goto(f"{base}/projects/{project.pk}/")
    page.select_option("#action", "start")
    page.click("#step-form button")
    assert "须填写佐证材料" in page.content()  # refused without evidence
    page.select_option("#action", "start")
    page.fill("#evidence", "施工许可证330106-0001")
    page.click("#step-form button")
    assert page.inner_text("#project-status") == "开工"
    page.select_option("#action", "complete")
    page.fill("#evidence", "竣工验收备案0001")
    page.click("#step-form button")
    assert page.inner_text("#project-status") == "建成"
    assert _rate(page, base, year, "start-rate").startswith("100.0%")
    assert _rate(page, base, year, "completion-rate").startswith("100.0%")
    page.click("#rate-table tr[data-key=city] td.start-rate a")
    assert "示例西湖数字文化产业园" in page.content()
    assert not page.console.errors


def test_a_district_reports_a_task_and_the_score_changes(site: dict[str, Any], page: Any) -> None:
    from wenchuang.assessment.tests.factories import district_unit, make_method, make_milestone

    base, year = site["url"], timezone.localdate().year
    make_method()
    unit = district_unit("330106")
    make_milestone(unit=unit, code="b1", year=year, programme="platforms")  # weight 20
    m2 = make_milestone(unit=unit, code="b2", year=year, programme="talent")  # weight 10
    _as_city(page, base)
    page.goto(f"{base}/assessment/scores/?year={year}")
    assert page.inner_text(f"#scores tr[data-unit='{unit.code}'] td.total") == "0.00"

    page.context.clear_cookies()
    sign_in(page, base, "browser_xihu")
    page.goto(f"{base}/assessment/milestones/{m2.pk}/")
    page.select_option("#id_done", "1")
    page.fill("#id_evidence", "人才项目认定文件")
    page.click("#report-form button")
    assert "待审核" in page.inner_text("#reports")

    _as_city(page, base)
    page.goto(f"{base}/assessment/milestones/{m2.pk}/")
    page.click("#reports button[value=accept]")
    assert "已认定" in page.inner_text("#reports")
    page.goto(f"{base}/assessment/scores/{unit.pk}/{year}/")
    # 100 × 10 ÷ (20 + 10) = 33.33, nothing deducted (due 31 Dec), no bonus
    assert page.inner_text("#total") == "33.33"
    assert not page.console.errors


def test_an_approved_district_year_refuses_an_import_until_reopened(site: dict[str, Any], page: Any) -> None:
    base = site["url"]
    ent = EnterpriseFactory(name="示例西湖锁定测试企业")
    sign_in(page, base, "browser_xihu")
    page.goto(f"{base}/approval/?year=2023")
    page.click("#approval-table tr[data-district='330106'] button")
    row = DistrictYear.objects.get(district__code="330106", year=2023)
    assert row.state == "submitted"

    _as_city(page, base)
    page.goto(f"{base}/approval/{row.pk}/")
    page.click("#decide-form button[value=approve]")
    assert page.inner_text("#state") == "已审核（锁定）"
    text = f"统一社会信用代码,年度,营业收入（万元）\n{ent.uscc},2023,100\n"
    batch = import_file(
        kind="annual", data=text.encode(), file_name="a.csv", user=site["district_admin"], recompute=False
    )
    assert (batch.status, batch.rejected) == ("rejected", 1)
    page.goto(f"{base}/approval/{row.pk}/")
    page.fill("#note", "统计局更正数据")
    page.click("#decide-form button[value=reopen]")
    assert page.inner_text("#state") == "未提交"
    again = import_file(
        kind="annual", data=text.encode(), file_name="a.csv", user=site["district_admin"], recompute=False
    )
    assert (again.status, again.inserted) == ("done", 1)
    assert not page.console.errors
