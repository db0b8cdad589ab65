from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenchuang.rules"
    label = "rules"
    verbose_name = _("规则引擎")
