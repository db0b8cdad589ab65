from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the platform: set-up, serving, backup and restore, reference loading, benchmarks.

    Its commands orchestrate every other app, so it sits at the top of the layers beside web and api."""

    name = "wenchuang.ops"
    label = "ops"
    verbose_name = _("运行维护")
