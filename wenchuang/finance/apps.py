from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "wenchuang.finance"
    label = "finance"
    verbose_name = _("金融服务")

    def ready(self) -> None:
        # The credit score and grade as facts of the shared rule engine (product eligibility).
        from wenchuang.finance import facts  # noqa: F401
