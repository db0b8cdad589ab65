from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "wenchuang.projects"
    label = "projects"
    verbose_name = _("重点项目库")
