"""API keys for scripts and other systems ("Authorization: Token <key>").

Why not DRF's `authtoken`: it stores the key itself, so anyone who can read the table (a backup, a
replica, an audit export) can act as every key holder. Here only a SHA-256 of the key is stored; the
key is shown once, at creation. Keys are 256 random bits, so a fast hash is enough (no salt or
stretching needed: nothing to brute-force). A key always expires, can be revoked, records when it
was last used, and is read-only unless asked otherwise. An account whose sign-in needs a second factor
gets a key only from a web session that passed it (never from the command line).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    # The key's first characters, kept in clear so a holder can tell their keys apart.
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("密钥摘要（SHA-256）"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # Scope: a read-only key (the default) may only GET; writes (imports, undo) need a read-write key.
    read_only = models.BooleanField(_("只读"), default=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.revoked_at:
            return "已撤销"
        if self.expires_at and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"
