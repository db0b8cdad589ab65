"""Background import jobs (django-tasks database backend; `db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_batch_task(batch_id: int) -> dict:
    from wenchuang.ingest.models import ImportBatch
    from wenchuang.ingest.services import batch_run

    # The statistics refresh is a job of its own, queued when the import commits.
    batch = batch_run(batch=ImportBatch.objects.get(pk=batch_id), recompute_later=True)
    return batch.summary()
