from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenchuang.reports"
    label = "reports"
    verbose_name = "报告中心"
