from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "wenchuang.stats"
    label = "stats"
    verbose_name = _("统计核算与指标监测")
