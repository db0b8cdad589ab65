"""The final evaluation's written sections: a version drafted from the numbers, edited in the browser,
moved 草稿 → 审核 → 定稿 (each transition logged and audited); a 定稿 version refuses changes; the
document made from a version carries its text, its cover the issuing office and the date."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import override_settings
from django_fsm_log.models import StateLog
from docx import Document as read_docx

from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError
from wenchuang.reports import sections, services
from wenchuang.reports.models import GeneratedReport, ReportVersion
from wenchuang.reports.tests.conftest import PLAN

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EDITED = "文化产业统计监测体系尚不完善，部分指标缺少年度数据。\n区县之间发展不平衡。"


def _form(version: ReportVersion, **changes: str) -> dict[str, str]:
    return {**{k: version.sections.get(k, "") for k in sections.KEYS}, **changes}


def test_the_city_office_drafts_edits_and_finalises_a_version(plan, city_admin_client, city_admin) -> None:
    response = city_admin_client.post("/reports/versions/new/", {"plan": PLAN})
    version = ReportVersion.objects.get()
    assert response["Location"] == f"/reports/versions/{version.pk}/"
    assert version.state == "draft" and version.number == 1 and version.scope_label == "全市"
    assert set(version.sections) == set(sections.KEYS)
    assert all(version.sections[k] for k in sections.KEYS)  # drafted, not empty

    page = city_admin_client.get(f"/reports/versions/{version.pk}/").content.decode()
    assert "存在问题" in page and "<textarea" in page and "提交审核" in page

    city_admin_client.post(f"/reports/versions/{version.pk}/", _form(version, problems=EDITED))
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.sections["problems"].replace("\r\n", "\n") == EDITED

    city_admin_client.post(f"/reports/versions/{version.pk}/submit/")
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.state == "review"
    page = city_admin_client.get(f"/reports/versions/{version.pk}/").content.decode()
    assert "<textarea" not in page and "定稿" in page

    city_admin_client.post(f"/reports/versions/{version.pk}/finalise/")
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.state == "final" and version.finalised_at is not None
    logs = list(StateLog.objects.for_(version).order_by("pk").values_list("source_state", "state", "by"))
    assert logs == [("draft", "review", city_admin.pk), ("review", "final", city_admin.pk)]
    actions = list(
        AuditEvent.objects.filter(object_type="reports.ReportVersion")
        .order_by("pk")
        .values_list("detail__action", flat=True)
    )
    assert actions == [
        "report_version_create",
        "report_version_edit",
        "report_version_submit",
        "report_version_finalise",
    ]


def test_a_finalised_version_cannot_change(plan, city_admin, city_admin_client) -> None:
    version = services.report_version_create(user=city_admin, plan_code=PLAN, district_codes=[])
    for name in ("submit", "finalise"):
        version = services.report_version_transition(user=city_admin, version=version, name=name)
    before = dict(version.sections)
    with pytest.raises(ConflictError):
        services.report_version_sections_save(user=city_admin, version=version, sections={"problems": "x"})
    page = city_admin_client.post(f"/reports/versions/{version.pk}/", _form(version, problems="改动"))
    assert "不能修改" in page.content.decode()
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.sections == before
    with pytest.raises(ConflictError):
        services.report_version_transition(user=city_admin, version=version, name="submit")


def test_a_district_office_submits_but_only_the_city_finalises(
    plan, district_admin, district_admin_client, city_admin_client, data_manager_client
) -> None:
    district_admin_client.post("/reports/versions/new/", {"plan": PLAN})
    version = ReportVersion.objects.get()
    assert version.district_codes == ["330106"] and version.scope_label == "西湖区"
    district_admin_client.post(f"/reports/versions/{version.pk}/submit/")
    district_admin_client.post(f"/reports/versions/{version.pk}/finalise/")
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.state == "review"
    city_admin_client.post(f"/reports/versions/{version.pk}/finalise/")
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.state == "final"
    # the 统计员 reads, never writes
    assert data_manager_client.get(f"/reports/versions/{version.pk}/").status_code == 200
    assert data_manager_client.post(f"/reports/versions/{version.pk}/", _form(version)).status_code == 403


def test_a_district_office_does_not_see_another_scopes_version(
    plan, city_admin, district_admin_client
) -> None:
    version = services.report_version_create(user=city_admin, plan_code=PLAN, district_codes=[])
    assert district_admin_client.get(f"/reports/versions/{version.pk}/").status_code == 404
    assert district_admin_client.get(f"/reports/versions/{version.pk + 99}/").status_code == 404


@override_settings(TASKS=IMMEDIATE, WENCHUANG_REPORT_ISSUER="杭州市测试发文机关", WENCHUANG_REPORT_DATE=None)
def test_the_document_of_a_version_carries_its_text_cover_and_page_numbers(
    plan, city_admin, city_admin_client, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.VAR_DIR = tmp_path
    version = services.report_version_create(user=city_admin, plan_code=PLAN, district_codes=[])
    version = services.report_version_sections_save(
        user=city_admin, version=version, sections={"problems": EDITED}
    )
    draft = services.report_build(kind="final-evaluation", plan_code=PLAN, fmt="docx", version=version)
    assert "草稿（未定稿）" in "\n".join(p.text for p in read_docx(io.BytesIO(draft.content)).paragraphs)
    for name in ("submit", "finalise"):
        version = services.report_version_transition(user=city_admin, version=version, name=name)

    with django_capture_on_commit_callbacks(execute=True):
        response = city_admin_client.post(f"/reports/versions/{version.pk}/generate/", {"format": "docx"})
    report = GeneratedReport.objects.get(version=version)
    assert response["Location"] == f"/reports/{report.pk}/" and report.status == "done"
    body = b"".join(city_admin_client.get(f"/reports/{report.pk}/download/").streaming_content)
    doc = read_docx(io.BytesIO(body))
    text = [p.text for p in doc.paragraphs]
    assert "杭州市测试发文机关" in text
    finalised = version.finalised_at.astimezone()
    assert f"{finalised.year}年{finalised.month}月{finalised.day}日" in text
    assert not any("未定稿" in t for t in text)
    for line in EDITED.splitlines():
        assert line in text
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert any(h.endswith("存在问题") for h in headings)
    section = doc.sections[0]
    assert section.page_height > section.page_width  # portrait
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml and " —" in footer_xml
    assert doc.settings.odd_and_even_pages_header_footer
    assert "PAGE" in section.even_page_footer._element.xml
    assert section.different_first_page_header_footer  # no number on the cover


def test_the_issue_date_comes_from_settings_when_set(settings) -> None:
    settings.WENCHUANG_REPORT_DATE = date(2026, 3, 5)
    assert services.issue_date(version=None, generated_at=None) == "2026年3月5日"
