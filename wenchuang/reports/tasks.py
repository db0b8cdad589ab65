"""Background report jobs (django-tasks database backend; `wenchuang db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def report_generate_task(report_id: int) -> dict:
    from wenchuang.reports.models import GeneratedReport
    from wenchuang.reports.services import report_generate

    report = report_generate(report=GeneratedReport.objects.get(pk=report_id))
    return {"id": report.pk, "sha256": report.sha256, "status": report.status}
