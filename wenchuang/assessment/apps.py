from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "wenchuang.assessment"
    label = "assessment"
    verbose_name = _("重点任务与年度考核")
