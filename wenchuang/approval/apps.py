from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    name = "wenchuang.approval"
    label = "approval"
    verbose_name = _("统计数据审核")
