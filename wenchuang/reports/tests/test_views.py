"""报告中心: start a job (immediate backend), the history shows who/when/as-of/SHA-256, re-download
returns the same bytes; a district office's job covers only its districts; other roles are denied."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.conf import settings
from django.test import override_settings

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import District
from wenchuang.reports.models import GeneratedReport
from wenchuang.reports.tests.conftest import PLAN

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_it_generates_lists_and_redownloads_a_report(
    demo, city_admin_client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = city_admin_client.post(
            "/reports/", {"kind": "monitoring", "plan": PLAN, "year": "2024", "format": "xlsx"}
        )
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    assert report.status == "done" and report.progress == 100
    assert report.created_by.username == "city_admin"
    assert report.district_codes == [] and report.scope_label == "全市"
    assert report.parameters == {
        "kind": "monitoring",
        "plan": PLAN,
        "year": 2024,
        "format": "xlsx",
        "districts": [],
    }
    assert report.data_as_of is not None

    page = city_admin_client.get(f"/reports/{report.pk}/").content.decode()
    assert report.sha256 in page and "已完成" in page

    history = city_admin_client.get("/reports/").content.decode()
    assert report.sha256 in history and "city_admin" in history
    assert report.created_at.astimezone().strftime("%Y-%m-%d") in history
    assert "统计监测报告" in history

    first = city_admin_client.get(f"/reports/{report.pk}/download/")
    body = b"".join(first.streaming_content)
    assert hashlib.sha256(body).hexdigest() == report.sha256
    second = b"".join(city_admin_client.get(f"/reports/{report.pk}/download/").streaming_content)
    assert second == body
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")


@override_settings(TASKS=IMMEDIATE)
def test_a_district_office_report_is_scoped_and_hidden_from_other_districts(
    demo, district_admin_client, city_admin_client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        district_admin_client.post("/reports/", {"kind": "final-evaluation", "plan": PLAN, "format": "docx"})
    report = GeneratedReport.objects.get()
    assert report.status == "done", report.error
    assert report.district_codes == ["330106"] and report.scope_label == "西湖区"
    assert report.year == 2025
    history = district_admin_client.get("/reports/").content.decode()
    assert report.sha256 in history
    # The city office sees every report; a city-wide report is not in the district office's history.
    with django_capture_on_commit_callbacks(execute=True):
        city_admin_client.post(
            "/reports/", {"kind": "monitoring", "plan": PLAN, "year": "2031", "format": "xlsx"}
        )
    city_report = GeneratedReport.objects.exclude(pk=report.pk).get()
    assert city_report.status == "done"
    assert district_admin_client.get(f"/reports/{city_report.pk}/").status_code == 404
    assert district_admin_client.get(f"/reports/{city_report.pk}/download/").status_code == 404
    assert city_admin_client.get(f"/reports/{report.pk}/").status_code == 200


def test_it_requires_a_year_for_a_monitoring_report(plan, data_manager_client) -> None:
    response = data_manager_client.post("/reports/", {"kind": "monitoring", "plan": PLAN, "format": "pdf"})
    assert response.status_code == 200
    assert "统计监测报告须填写年度" in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_it_denies_other_roles_and_sends_anonymous_users_to_login(
    enterprise_user_client, finance_user_client, anonymous_client
) -> None:
    assert enterprise_user_client.get("/reports/").status_code == 403
    assert finance_user_client.post("/reports/", {}).status_code == 403
    response = anonymous_client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_district_office_chooses_only_its_own_district_plan_and_the_plans_above_it(plan, xihu) -> None:
    plan_load(path=settings.DATA_DIR / "plans" / "xihu-14th-culture-sample.yaml")
    binjiang = District.objects.get(code="330108")
    own = logged_in_client(UserFactory(username="xihu_office", role=Role.DISTRICT_ADMIN, districts=[xihu]))
    other = logged_in_client(
        UserFactory(username="bj_office", role=Role.DISTRICT_ADMIN, districts=[binjiang])
    )
    city = logged_in_client(UserFactory(username="city_office", role=Role.CITY_ADMIN))

    def options(client) -> set[str]:  # type: ignore[no-untyped-def]
        body = client.get("/reports/").content.decode()
        select = body.split('name="plan"', 1)[1].split("</select>", 1)[0]
        return set(re.findall(r'<option value="([a-z0-9-]+)"', select))

    assert options(own) == {PLAN, "xihu-14th-culture-sample"}
    assert options(other) == {PLAN}  # 西湖区's plan is not 滨江区's to report on
    assert options(city) == {PLAN, "xihu-14th-culture-sample"}
    # A forged choice is refused by the form, in Chinese, and nothing is queued.
    response = other.post(
        "/reports/", {"kind": "final-evaluation", "plan": "xihu-14th-culture-sample", "format": "docx"}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not GeneratedReport.objects.exists()
