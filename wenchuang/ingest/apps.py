from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "wenchuang.ingest"
    label = "ingest"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from wenchuang.core.signals import worker_check

        worker_check.connect(_reap_batches, dispatch_uid="ingest-reap-batches")


def _reap_batches(sender: object, **kwargs: object) -> None:
    from wenchuang.ingest.services import batches_reap

    batches_reap(worker_died=kwargs.get("exit_code") is not None)
