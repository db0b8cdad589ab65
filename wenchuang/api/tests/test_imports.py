"""Imports through the API: the web page's service and roles (a district office for its own districts),
idempotent, refusing bad files in Chinese."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.services import import_file
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.ingest.tests.test_import import REG_HEADER, csv_bytes, reg_rows, state
from wenchuang.registry.models import District, Enterprise

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


def test_it_refuses_an_enterprise(enterprise_user_client):
    r = _post(enterprise_user_client, csv_bytes(REG_HEADER, reg_rows(1)))
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert enterprise_user_client.get(URL).status_code == 403
    assert not ImportBatch.objects.exists()


def test_it_requires_credentials(reference, anonymous_client):
    r = _post(anonymous_client, csv_bytes(REG_HEADER, reg_rows(1)))
    assert r.status_code == 401 and r["WWW-Authenticate"] == "Token"
    assert r.json()["code"] == "not_authenticated" and "令牌" in r.json()["detail"]
    assert anonymous_client.get(URL).status_code == 401
    assert anonymous_client.get(f"{URL}1/").status_code == 401
    assert not ImportBatch.objects.exists()


def test_a_district_office_imports_rows_of_its_own_district_only(
    district_admin_client, django_capture_on_commit_callbacks
):
    rows = reg_rows(2)
    rows[1][4] = "330108"  # 滨江区: not the office's district (西湖区)
    body = _upload(
        district_admin_client,
        django_capture_on_commit_callbacks,
        csv_bytes(REG_HEADER, rows),
        mode="valid-only",
    )
    assert (body["status"], body["inserted"], body["rejected"]) == ("done", 1, 1)
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [uscc(1)]
    errors = openpyxl.load_workbook(ImportBatch.objects.get(pk=body["id"]).error_path)["错误行"]
    reasons = [row[3] for row in errors.iter_rows(min_row=2, values_only=True)]  # 行号、列、值、原因
    assert reasons == ["区划代码330108不在您的管辖范围（西湖区）内"]


def test_a_district_office_sees_only_its_districts_batches(
    district_admin, district_admin_client, data_manager, data_manager_client
):
    def batch(user, code: str, n: int) -> ImportBatch:
        rows = reg_rows(1, start=n)
        rows[0][4] = code
        return import_file(
            kind="registration",
            data=csv_bytes(REG_HEADER, rows),
            file_name=f"{n}.csv",
            user=user,
            recompute=False,
        )

    xihu, binjiang = District.objects.get(code="330106"), District.objects.get(code="330108")
    colleague = UserFactory(username="xihu2", role="district_admin", districts=[xihu])
    binjiang_office = UserFactory(username="bj", role="district_admin", districts=[binjiang])
    mine, theirs = batch(district_admin, "330106", 1), batch(colleague, "330106", 2)
    other, city = batch(binjiang_office, "330108", 3), batch(data_manager, "330106", 4)

    listed = district_admin_client.get(URL).json()
    assert {b["id"] for b in listed["results"]} == {mine.pk, theirs.pk} and listed["count"] == 2
    assert district_admin_client.get(f"{URL}{theirs.pk}/").json()["id"] == theirs.pk
    missing = district_admin_client.get(f"{URL}999999/")
    for hidden in (other, city):
        r = district_admin_client.get(f"{URL}{hidden.pk}/")
        # out of scope == missing: the same 403 and body, so the answer does not reveal the batch
        assert r.status_code == missing.status_code == 403 and r.content == missing.content
        assert r.json()["code"] == "not_accessible"
    assert logged_in_client(binjiang_office).get(f"{URL}{other.pk}/").status_code == 200
    every = data_manager_client.get(URL).json()
    assert {b["id"] for b in every["results"]} == {mine.pk, theirs.pk, other.pk, city.pk}


def test_a_missing_batch_is_404(data_manager_client):
    r = data_manager_client.get(f"{URL}999999/")
    assert r.status_code == 404 and r.json() == {"detail": "批次不存在", "code": "not_found"}


def test_it_undoes_a_batch_and_refuses_a_second_undo(data_manager_client, django_capture_on_commit_callbacks):
    body = _upload(
        data_manager_client, django_capture_on_commit_callbacks, csv_bytes(REG_HEADER, reg_rows(3))
    )
    assert body["status"] == "done" and Enterprise.objects.count() == 3
    undo = f"{URL}{body['id']}/undo/"
    assert data_manager_client.get(undo).status_code == 405

    r = data_manager_client.post(undo)
    assert r.status_code == 200, r.content
    assert r.json()["id"] == body["id"] and r.json()["status"] == "undone"
    assert not Enterprise.objects.exists()
    assert AuditEvent.objects.filter(
        event="import", object_id=str(body["id"]), detail__action="undo", detail__channel="api"
    ).exists()

    again = data_manager_client.post(undo)
    assert again.status_code == 409 and again.json()["code"] == "undo_refused"
    assert "只有已完成的批次可以撤销" in again.json()["detail"]
    assert ImportBatch.objects.get(pk=body["id"]).status == "undone"


def test_it_refuses_to_undo_a_batch_a_later_one_changed(
    data_manager_client, django_capture_on_commit_callbacks
):
    first = _upload(
        data_manager_client, django_capture_on_commit_callbacks, csv_bytes(REG_HEADER, reg_rows(2))
    )
    rows = reg_rows(2)
    rows[0][1] = "改名后的文化有限公司"  # the later batch changes a fact of the first
    later = _upload(data_manager_client, django_capture_on_commit_callbacks, csv_bytes(REG_HEADER, rows))
    assert later["updated"] == 1
    r = data_manager_client.post(f"{URL}{first['id']}/undo/")
    assert (
        r.status_code == 409 and f"#{later['id']}" in r.json()["detail"] and "请先撤销" in r.json()["detail"]
    )
    assert Enterprise.objects.count() == 2


def test_undoing_a_missing_batch_is_404_for_the_city(city_admin_client):
    r = city_admin_client.post(f"{URL}999999/undo/")
    assert r.status_code == 404 and r.json() == {"detail": "批次不存在", "code": "not_found"}
    assert city_admin_client.get(f"{URL}999999/errors/").status_code == 404


def test_it_serves_the_rejected_rows_as_xlsx(data_manager_client, django_capture_on_commit_callbacks):
    rows = reg_rows(2)
    rows[1][0] = "91330106MA00000000"  # wrong check digit
    body = _upload(
        data_manager_client,
        django_capture_on_commit_callbacks,
        csv_bytes(REG_HEADER, rows),
        mode="valid-only",
    )
    assert body["rejected"] == 1 and body["has_error_file"]
    r = data_manager_client.get(f"{URL}{body['id']}/errors/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"] == f'attachment; filename="batch-{body["id"]}-errors.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))["错误行"]
    reasons = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]  # 行号、列、值、原因
    assert len(reasons) == 1 and "统一社会信用代码校验位错误" in reasons[0]
    assert data_manager_client.post(f"{URL}{body['id']}/errors/").status_code == 405


def test_a_batch_without_rejected_rows_has_no_errors_file(
    data_manager_client, django_capture_on_commit_callbacks
):
    body = _upload(
        data_manager_client, django_capture_on_commit_callbacks, csv_bytes(REG_HEADER, reg_rows(1))
    )
    assert not body["has_error_file"]
    r = data_manager_client.get(f"{URL}{body['id']}/errors/")
    assert r.status_code == 404 and r.json() == {"detail": "该批次没有错误行文件", "code": "not_found"}


def test_a_district_office_undoes_and_downloads_only_its_districts_batches(
    district_admin, district_admin_client, data_manager
):
    def batch(user, code: str, n: int) -> ImportBatch:
        rows = reg_rows(2, start=n)
        rows[1][0] = "91330106MA00000000"  # one rejected row each, so each batch has an errors file
        for row in rows:
            row[4] = code
        return import_file(
            kind="registration",
            data=csv_bytes(REG_HEADER, rows),
            file_name=f"{n}.csv",
            user=user,
            mode="valid-only",
            recompute=False,
        )

    binjiang_office = UserFactory(
        username="bj", role="district_admin", districts=[District.objects.get(code="330108")]
    )
    mine = batch(district_admin, "330106", 1)
    other, city = batch(binjiang_office, "330108", 3), batch(data_manager, "330106", 5)
    assert all(b.status == "done" and b.error_file for b in (mine, other, city))

    for action in ("undo", "errors"):
        send = district_admin_client.post if action == "undo" else district_admin_client.get
        missing = send(f"{URL}999999/{action}/")
        for hidden in (other, city):
            r = send(f"{URL}{hidden.pk}/{action}/")
            # out of scope == missing: the same 403 and body, so the answer does not reveal the batch
            assert r.status_code == missing.status_code == 403 and r.content == missing.content
            assert r.json()["code"] == "not_accessible"
    assert {b.status for b in ImportBatch.objects.filter(pk__in=[other.pk, city.pk])} == {"done"}
    assert Enterprise.objects.count() == 3

    own = district_admin_client.get(f"{URL}{mine.pk}/errors/")
    assert own.status_code == 200 and b"".join(own.streaming_content)[:2] == b"PK"  # an xlsx (zip)
    r = district_admin_client.post(f"{URL}{mine.pk}/undo/")
    assert r.status_code == 200 and r.json()["status"] == "undone"
    assert Enterprise.objects.count() == 2
