from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenchuang.policy"
    label = "policy"
    verbose_name = _("惠企政策")
