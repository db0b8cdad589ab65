"""The assessment pages: a district reports with an evidence file, the city accepts, the score sheet
shows the points; the district sees only its own; no query per row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.assessment.models import Report, ReportState
from wenchuang.assessment.tests.factories import district_unit, make_method, make_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_report_with_evidence_file_review_and_sheet(district_admin_client, city_admin_client, reference):
    make_method()
    unit = district_unit("330106")
    m = make_milestone(unit=unit, code="v1", measure="number", target=10, year=2023)
    r = district_admin_client.post(
        f"/assessment/milestones/{m.pk}/",
        {
            "value": "5",
            "evidence": "统计表",
            "evidence_file": SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test"),
        },
    )
    assert r.status_code == 302
    report = Report.objects.get()
    assert report.state == ReportState.SUBMITTED and report.evidence_file
    got = district_admin_client.get(f"/assessment/reports/{report.pk}/evidence/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    # the district cannot accept its own report
    district_admin_client.post(f"/assessment/milestones/{m.pk}/", {"action": "accept", "report": report.pk})
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    city_admin_client.post(f"/assessment/milestones/{m.pk}/", {"action": "accept", "report": report.pk})
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    sheet = city_admin_client.get(f"/assessment/scores/{unit.pk}/2023/").content.decode()
    # 100 × 5/10 = 50, reported after the 2023 due date: late, −1 → 49
    assert "完成5/目标10" in sheet and "迟报" in sheet and 'id="total">49.00<' in sheet


def test_a_number_task_needs_a_value(district_admin_client, reference):
    make_method()
    m = make_milestone(unit=district_unit("330106"), code="v2", measure="number", target=10)
    page = district_admin_client.post(f"/assessment/milestones/{m.pk}/", {"evidence": "x"}).content.decode()
    assert "请填写完成值" in page and not Report.objects.exists()


def test_pages_do_not_query_per_row(city_admin_client, reference, django_assert_max_num_queries):
    make_method()
    from wenchuang.registry.models import District

    for i, d in enumerate(District.objects.all()):
        unit = district_unit(d.code)
        for j in range(15):
            m = make_milestone(unit=unit, code=f"q{i}-{j}", year=2023, due=date(2023, 12, 31))
            Report.objects.create(milestone=m, done=True, evidence="e", reported_on=date(2023, 6, 1))
    with django_assert_max_num_queries(20):
        assert city_admin_client.get("/assessment/?year=2023").status_code == 200
    with django_assert_max_num_queries(20):
        assert city_admin_client.get("/assessment/scores/?year=2023").status_code == 200


def test_the_city_breaks_a_plan_commitment_down_to_units_and_years(
    city_admin_client, district_admin_client, reference
):
    from pathlib import Path

    from django.conf import settings

    from wenchuang.assessment.models import Milestone, Task, Unit
    from wenchuang.plan.models import Commitment
    from wenchuang.plan.services import plan_load

    plan_load(path=Path(settings.DATA_DIR) / "plans" / "hangzhou-14th-culture.yaml")
    city_admin_client.post("/assessment/tasks/new/", {"action": "district_units"})
    assert Unit.objects.filter(kind="district").count() == 13
    listed = Commitment.objects.get(code="new_listed")  # ~20 家 over the plan period
    rate = Commitment.objects.get(code="belt_projects_rate")  # >= 90 %
    xihu = Unit.objects.get(district__code="330106")
    for c in (listed, rate):
        r = city_admin_client.post(
            "/assessment/tasks/new/",
            {"action": "assign", "commitment": c.pk, "units": [xihu.pk], "year_from": 2021, "year_to": 2025},
        )
        assert r.status_code == 302
    ms = Milestone.objects.filter(task__commitment=listed).order_by("year")
    assert [m.target_value for m in ms] == [Decimal(4)] * 5 and ms[0].due == date(2022, 1, 31)
    assert {m.target_value for m in Milestone.objects.filter(task__commitment=rate)} == {Decimal(90)}
    assert Task.objects.get(commitment=rate).measure == "number"
    # again: nothing doubled
    city_admin_client.post(
        "/assessment/tasks/new/",
        {"action": "assign", "commitment": rate.pk, "units": [xihu.pk], "year_from": 2021, "year_to": 2025},
    )
    assert Task.objects.count() == 2
    assert district_admin_client.get("/assessment/tasks/new/").status_code == 403
    assert len(district_admin_client.get("/assessment/?year=2023").context["items"]) == 2


def test_the_city_records_a_bonus_on_the_sheet(city_admin_client, reference):
    make_method()
    unit = district_unit("330106")
    make_milestone(unit=unit, code="adj", year=2023)
    r = city_admin_client.post(
        "/assessment/adjustments/",
        {
            "unit": unit.pk,
            "year": 2023,
            "kind": "bonus",
            "item": "国家级荣誉",
            "points": "3",
            "reason": "获评示范园区",
        },
    )
    assert r.status_code == 302
    sheet = city_admin_client.get(f"/assessment/scores/{unit.pk}/2023/").content.decode()
    assert "加分：国家级荣誉" in sheet and "+3.00" in sheet
