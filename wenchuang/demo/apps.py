from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The deterministic, calibrated demo data set: its targets come from the plan file."""

    name = "wenchuang.demo"
    label = "demo"
    verbose_name = _("示例数据")
