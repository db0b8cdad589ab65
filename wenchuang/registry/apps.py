from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "wenchuang.registry"
    label = "registry"
    verbose_name = _("文化产业数据库")
