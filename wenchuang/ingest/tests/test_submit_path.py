"""One submit path: the web page, the API and the CLI all audit the upload, the background job queues the
statistics refresh as a job of its own after its commit, and an undo from the web queues it too."""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.accounts.models import AuditEvent
from wenchuang.ingest import services
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.tests.conftest import uscc

CSV = f"统一社会信用代码,企业名称,国民经济行业代码,区划代码\n{uscc(7)},甲,8610,330106\n".encode()


def _post(client, path: str, **extra):
    return client.post(
        path,
        {
            "kind": "registration",
            "mode": "all-or-nothing",
            "unit": "万元",
            "file": SimpleUploadedFile("a.csv", CSV),
        },
        **extra,
    )


def _uploads(channel: str) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.filter(event="import") if e.detail.get("channel") == channel]


def test_a_web_upload_is_audited_and_its_refresh_is_a_job_after_the_commit(
    data_manager_client, django_capture_on_commit_callbacks
):
    with (
        mock.patch("wenchuang.stats.services.stats_recompute") as now,
        mock.patch("wenchuang.stats.services.stats_recompute_enqueue") as later,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _post(data_manager_client, "/import/").status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "done"
    [event] = _uploads("web")
    assert event.username == "data_manager" and event.object_id == str(batch.pk)
    assert not now.called and later.call_count == 1  # queued, not run inside the import job
    assert "partitions" in later.call_args.kwargs  # only the (year, district) partitions it touched


def test_an_api_upload_and_a_cli_import_are_audited_the_same_way(
    data_manager_client, django_capture_on_commit_callbacks, reference
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(data_manager_client, "/api/v1/imports/").status_code == 202
    assert len(_uploads("api")) == 1
    batch = services.import_file(kind="registration", data=CSV, file_name="b.csv", recompute=False)
    [event] = _uploads("cli")
    assert event.object_id == str(batch.pk) and event.detail["sha256"] == batch.sha256


def test_an_undo_from_the_web_queues_the_refresh(
    data_manager_client, reference, django_capture_on_commit_callbacks
):
    batch = services.import_file(kind="registration", data=CSV, file_name="c.csv", recompute=False)
    with (
        mock.patch("wenchuang.stats.services.stats_recompute_enqueue") as later,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert data_manager_client.post(f"/import/batches/{batch.pk}/undo/").status_code == 302
    assert later.call_count == 1
