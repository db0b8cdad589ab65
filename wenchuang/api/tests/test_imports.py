"""Imports through the API: the web page's service, idempotent, refusing bad files in Chinese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.accounts.models import AuditEvent
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.ingest.tests.test_import import REG_HEADER, csv_bytes, reg_rows, state
from wenchuang.registry.models import Enterprise

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"


def _post(client, data: bytes, name="reg.csv", **fields):
    payload = {"kind": "registration", "mode": "all-or-nothing", "file": SimpleUploadedFile(name, data)}
    payload.update(fields)
    return client.post(URL, payload)


def _upload(client, captured, data: bytes, **kw):
    """Upload, let the (immediate) background job run on commit, then read the batch's result."""
    with captured(execute=True):
        r = _post(client, data, **kw)
    assert r.status_code == 202, r.content
    assert r.json()["status"] == "pending"
    return client.get(r["Location"]).json()


def test_it_imports_a_file_and_reports_the_batch(data_manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(data_manager_client, csv_bytes(REG_HEADER, reg_rows(3)))
    assert r.status_code == 202, r.content
    batch = ImportBatch.objects.get()
    assert r["Location"] == f"/api/v1/imports/{batch.pk}/"
    status = data_manager_client.get(r["Location"]).json()
    assert status["status"] == "done" and status["inserted"] == 3 and status["rejected"] == 0
    assert Enterprise.objects.filter(uscc=uscc(1)).exists()
    assert AuditEvent.objects.filter(event="import", object_id=str(batch.pk)).exists()
    listed = data_manager_client.get(URL).json()
    assert [b["id"] for b in listed["results"]] == [batch.pk]


def test_a_second_upload_of_the_same_file_changes_nothing(
    city_admin_client, django_capture_on_commit_callbacks
):
    data = csv_bytes(REG_HEADER, reg_rows(3))
    first = _upload(city_admin_client, django_capture_on_commit_callbacks, data)
    assert first["inserted"] == 3
    before = state()
    second = _upload(city_admin_client, django_capture_on_commit_callbacks, data)
    assert second["status"] == "done"
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 3)
    assert state() == before


def test_it_rejects_a_bad_file_in_chinese_and_writes_nothing(
    data_manager_client, django_capture_on_commit_callbacks
):
    before = state()
    body = _upload(
        data_manager_client,
        django_capture_on_commit_callbacks,
        b"\x00\x01not a table\xff\xfe",
        name="bad.xlsx",
    )
    assert body["status"] == "failed" and body["inserted"] == body["updated"] == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]  # explained in Chinese
    assert state() == before


def test_it_rejects_bad_rows_all_or_nothing(data_manager_client, django_capture_on_commit_callbacks):
    rows = reg_rows(2)
    rows[1][0] = "91330106MA00000000"  # wrong check digit
    body = _upload(data_manager_client, django_capture_on_commit_callbacks, csv_bytes(REG_HEADER, rows))
    assert body["status"] == "rejected" and body["rejected"] == 1 and body["has_error_file"]
    assert "未写入任何数据" in body["message"]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("fields", "data", "field", "text"),
    [
        ({}, b"", "file", "空"),
        ({"kind": "weather"}, b"a,b\n1,2\n", "kind", "weather"),
        ({"mode": "sometimes"}, b"a,b\n1,2\n", "mode", "sometimes"),
    ],
)
def test_it_refuses_a_bad_request_before_creating_a_batch(data_manager_client, fields, data, field, text):
    r = _post(data_manager_client, data, **fields)
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid" and field in body["errors"]
    assert text in body["errors"][field][0]
    assert not ImportBatch.objects.exists()


def test_it_refuses_an_oversized_file(data_manager_client, settings):
    settings.WENCHUANG_IMPORT_MAX_BYTES = 10
    r = _post(data_manager_client, b"x" * 100)
    assert r.status_code == 400 and "超过上限" in r.json()["errors"]["file"][0]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("actor", ["district_admin_client", "enterprise_user_client", "anonymous_client"])
def test_only_the_data_manager_and_the_city_office_import(request, actor):
    client = request.getfixturevalue(actor)
    r = _post(client, csv_bytes(REG_HEADER, reg_rows(1)))
    assert r.status_code == 403 and r.json()["code"] in {"permission_denied", "not_authenticated"}
    assert client.get(URL).status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_missing_batch_is_404(data_manager_client):
    r = data_manager_client.get(f"{URL}999999/")
    assert r.status_code == 404 and r.json() == {"detail": "批次不存在", "code": "not_found"}
