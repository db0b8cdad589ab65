"""Background jobs of the classifier (django-tasks; the database backend's db_worker runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def reclassify_task(run_id: int) -> dict:
    from wenchuang.classify.services import reclassify_run

    run = reclassify_run(run_id=run_id)
    return {"examined": run.examined, "moved": run.moved, "moves": run.moves}
