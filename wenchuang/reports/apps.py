from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenchuang.reports"
    label = "reports"
    verbose_name = "报告中心"

    def ready(self) -> None:
        from wenchuang.core.signals import worker_check

        worker_check.connect(_fail_orphaned_reports, dispatch_uid="reports-fail-orphans")


def _fail_orphaned_reports(sender: object, exit_code: int | None = None, **kwargs: object) -> None:
    """The worker died (its supervisor saw it exit): the reports it was generating will never finish.
    They are failed with a reason; the user requests the report again."""
    if exit_code is None:
        return
    from django.utils import timezone

    from wenchuang.reports.models import GeneratedReport

    GeneratedReport.objects.filter(status=GeneratedReport.Status.RUNNING).update(
        status=GeneratedReport.Status.FAILED,
        message="生成失败",
        error="后台任务处理进程意外退出，报告未生成；请重新生成",
        finished_at=timezone.now(),
    )
