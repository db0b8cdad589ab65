"""The assessment pages: a district reports with an evidence file, the city accepts, the score sheet
shows the points; the district sees only its own; no query per row."""

from __future__ import annotations

from datetime import date

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
