from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.registry.models import Enterprise


def test_it_serves_templates(data_manager_client):
    r = data_manager_client.get("/import/templates/annual.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb["年度统计"][1]][:3] == ["统一社会信用代码", "年度", "营业收入（万元）"]


def test_upload_runs_as_a_job_and_shows_progress(data_manager_client, django_capture_on_commit_callbacks):
    data = f"统一社会信用代码,企业名称,国民经济行业代码,区划代码\n{uscc(1)},甲,8610,330106\n".encode(
        "gb18030"
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = data_manager_client.post(
            "/import/",
            {
                "kind": "registration",
                "mode": "all-or-nothing",
                "unit": "万元",
                "file": SimpleUploadedFile("a.csv", data),
            },
        )
    batch = ImportBatch.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/import/batches/{batch.pk}/"
    assert batch.status == "done" and Enterprise.objects.filter(uscc=uscc(1)).exists()
    page = data_manager_client.get(f"/import/batches/{batch.pk}/progress/").content.decode()
    assert "已完成" in page and "hx-trigger" not in page
    assert data_manager_client.post(f"/import/batches/{batch.pk}/undo/").status_code == 302
    assert not Enterprise.objects.exists()


def test_an_oversized_upload_gets_a_message(data_manager_client, settings):
    settings.WENCHUANG_IMPORT_MAX_BYTES = 10
    r = data_manager_client.post(
        "/import/",
        {
            "kind": "registration",
            "mode": "all-or-nothing",
            "unit": "万元",
            "file": SimpleUploadedFile("a.csv", b"x" * 100),
        },
    )
    assert r.status_code == 200 and "超过上限" in r.content.decode()
    assert not ImportBatch.objects.exists()


def test_only_data_managers_the_city_office_and_district_offices_import(
    district_admin_client, enterprise_user_client, city_admin_client
):
    assert district_admin_client.get("/import/").status_code == 200
    assert enterprise_user_client.get("/import/").status_code == 403
    assert city_admin_client.get("/import/").status_code == 200
