"""The project pages: an enterprise submits through the form, a district office imports a list and takes
a step, refusals are shown as Chinese messages, and the rate pages are bounded in queries."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.classify.models import CultureCategory
from wenchuang.projects import importer
from wenchuang.projects.models import Project, Status
from wenchuang.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_an_enterprise_submits_a_project_online(enterprise_user_client, enterprise_user):
    form = enterprise_user_client.get("/projects/submit/").content.decode()
    assert 'name="district"' not in form  # the enterprise's own district is used
    r = enterprise_user_client.post(
        "/projects/submit/",
        {
            "name": "示例企业申报项目",
            "category": CultureCategory.objects.get(code="02").pk,
            "planned_investment": "1200",
            "planned_start": "2026-03-01",
            "planned_completion": "2025-03-01",
        },
    )
    assert "计划建成日期不能早于计划开工日期" in r.content.decode() and not Project.objects.exists()
    r = enterprise_user_client.post(
        "/projects/submit/",
        {
            "name": "示例企业申报项目",
            "category": CultureCategory.objects.get(code="02").pk,
            "planned_investment": "1200",
            "planned_start": "2026-03-01",
            "planned_completion": "2027-03-01",
        },
    )
    p = Project.objects.get()
    assert (
        r.status_code == 302 and p.owner_id == enterprise_user.enterprise_id and p.status == Status.SUBMITTED
    )
    assert "<td>申报</td>" in enterprise_user_client.get(f"/projects/{p.pk}/").content.decode()
    assert enterprise_user_client.post(f"/projects/{p.pk}/step/", {"action": "forward"}).status_code == 403


def test_a_district_imports_a_list_and_sees_row_errors(district_admin_client):
    wb = openpyxl.Workbook()
    wb.active.append([c.zh for c in importer.COLUMNS])
    wb.active.append(
        [
            "",
            "示例项目",
            "330106",
            "",
            "01",
            "",
            100,
            "2022-01-01",
            "2022-12-31",
            "开工",
            "2021-12-01",
            "",
            "",
            "",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    page = district_admin_client.post(
        "/projects/import/", {"file": SimpleUploadedFile("p.xlsx", buf.getvalue())}
    ).content.decode()
    assert "状态为开工或建成时必填" in page and "未写入任何数据" in page and not Project.objects.exists()
    assert district_admin_client.get("/projects/import/template.xlsx").status_code == 200


def test_a_step_refused_shows_its_reason(district_admin_client):
    p = make_project()
    page = district_admin_client.post(
        f"/projects/{p.pk}/step/", {"action": "complete", "evidence": "x"}, follow=True
    )
    assert "不能执行“登记建成”" in page.content.decode()


def test_rate_pages_are_bounded_in_queries(city_admin_client, reference, django_assert_max_num_queries):
    from datetime import date

    from wenchuang.registry.models import District

    districts = list(District.objects.all())
    for i in range(300):
        make_project(
            district=districts[i % len(districts)], status=Status.STARTED, actual_start=date(2023, 5, 1)
        )
    with django_assert_max_num_queries(20):
        assert city_admin_client.get("/projects/rates/?year=2023").status_code == 200
    with django_assert_max_num_queries(20):
        assert city_admin_client.get("/projects/rates/2023/start/?group=city").status_code == 200


def test_yearly_investment_is_recorded_in_scope(district_admin_client):
    from decimal import Decimal

    from wenchuang.registry.models import District

    p = make_project()
    r = district_admin_client.post(
        f"/projects/{p.pk}/investment/", {"year": 2023, "planned": "500", "actual": "420.5"}
    )
    assert r.status_code == 302
    assert list(p.investments.values_list("year", "planned", "actual")) == [
        (2023, Decimal("500"), Decimal("420.5"))
    ]
    district_admin_client.post(f"/projects/{p.pk}/investment/", {"year": 2023, "planned": "-1"})
    assert p.investments.get().planned == Decimal("500")  # refused, nothing changed
    other = make_project(district=District.objects.get(code="330108"))
    assert district_admin_client.post(f"/projects/{other.pk}/investment/", {"year": 2023}).status_code == 403
