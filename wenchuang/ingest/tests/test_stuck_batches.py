"""A batch follows its background job: a job that failed, or a worker killed mid-run (no sign of
life for WENCHUANG_IMPORT_STALE_MINUTES), fails the batch with a Chinese reason instead of leaving
it 导入中 forever; a failed batch can be run again or discarded."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wenchuang.accounts.models import AuditEvent
from wenchuang.ingest.hostile import HEADER, ROW
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.services import batch_create, batches_reap
from wenchuang.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def _task(status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="wenchuang.ingest.tasks.import_batch_task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        exception_class_path="builtins.MemoryError" if status == TaskResultStatus.FAILED else "",
        traceback="",
    )


def _running(task: DBTaskResult, minutes_ago: int) -> ImportBatch:
    batch = batch_create(kind="registration", data=(HEADER + ROW).encode(), file_name="a.csv", store=True)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING,
        task_id=str(task.id),
        heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return ImportBatch.objects.get(pk=batch.pk)


def test_a_batch_whose_job_failed_is_failed_when_looked_at(reference, data_manager_client):
    batch = _running(_task(TaskResultStatus.FAILED), minutes_ago=0)
    page = data_manager_client.get(f"/import/batches/{batch.pk}/progress/").content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "后台导入任务异常结束" in batch.message
    assert "文件无法导入" in page and "hx-trigger" not in page and "重新导入" in page and "丢弃本批次" in page


def test_a_worker_killed_mid_run_fails_the_batch_after_the_timeout(reference, settings):
    settings.WENCHUANG_IMPORT_STALE_MINUTES = 30
    alive = _running(_task(TaskResultStatus.RUNNING), minutes_ago=5)
    dead_task = _task(TaskResultStatus.RUNNING)
    dead = _running(dead_task, minutes_ago=31)
    assert batches_reap() == 1
    alive.refresh_from_db()
    dead.refresh_from_db()
    dead_task.refresh_from_db()
    assert alive.status == ImportBatch.Status.RUNNING
    assert dead.status == ImportBatch.Status.FAILED and "30分钟无进展" in dead.message
    assert dead_task.status == TaskResultStatus.FAILED  # the job no longer claims to run either


def test_a_failed_batch_can_be_run_again(reference, data_manager_client, django_capture_on_commit_callbacks):
    batch = _running(_task(TaskResultStatus.FAILED), minutes_ago=0)
    batches_reap()
    with django_capture_on_commit_callbacks(execute=True):
        r = data_manager_client.post(f"/import/batches/{batch.pk}/retry/")
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.inserted == 1 and batch.processed == 1
    assert Enterprise.objects.count() == 1
    assert AuditEvent.objects.filter(detail__action="import_retry", object_id=str(batch.pk)).exists()
    # A finished batch is neither retried nor discarded.
    data_manager_client.post(f"/import/batches/{batch.pk}/discard/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE


def test_a_failed_batch_can_be_discarded(reference, data_manager_client):
    batch = _running(_task(TaskResultStatus.FAILED), minutes_ago=0)
    batches_reap()
    upload = batch.upload_path
    assert upload.is_file()
    assert data_manager_client.post(f"/import/batches/{batch.pk}/discard/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED and not upload.exists()
    assert not Enterprise.objects.exists()


def test_an_unexpected_error_fails_the_batch_instead_of_leaving_it_running(reference, monkeypatch):
    from wenchuang.ingest import services

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "rows_validator", boom)
    data = (HEADER + ROW).encode()
    batch = services.batch_run(
        batch=batch_create(kind="registration", data=data, file_name="a.csv"), data=data
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "内部错误" in batch.message
