from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "wenchuang.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from wenchuang.accounts import signals  # noqa: F401 - connects the audit receivers


class WenchuangAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "wenchuang.accounts.admin_site.WenchuangAdminSite"
