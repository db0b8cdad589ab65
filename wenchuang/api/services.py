"""Writes of the API app: issuing, using and revoking API keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.api.models import ApiToken
from wenchuang.core.errors import DomainError

KEY_PREFIX = "wc_"
# last_used_at is written at most this often, so that a busy script does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)


class TokenRefused(DomainError, ValueError):
    pass


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def max_days() -> int:
    return int(getattr(settings, "WENCHUANG_API_TOKEN_MAX_DAYS", 365))


def api_token_create(
    *,
    user: Any,
    name: str,
    days: int | None = 90,
    read_only: bool = True,
    second_factor_verified: bool = False,
) -> tuple[ApiToken, str]:
    """Issue a key for `user`; returns the row and the key, which is never stored nor shown again.

    Administrator accounts get no key: their web sessions require a second factor, which a key would
    bypass, and the API offers them nothing. An account whose sign-in requires (or has enabled) a
    second factor gets one only when the caller says it passed it (`second_factor_verified`, from a
    2FA-verified session) — a key must not be a way around the second factor. Every key expires
    (at most `WENCHUANG_API_TOKEN_MAX_DAYS`) and is read-only unless `read_only=False`."""
    if not user.is_active:
        raise TokenRefused("账户已停用，不能签发令牌")
    if user.is_administrator:
        raise TokenRefused("管理员账户须使用双因素认证登录，不签发接口令牌")
    if (user.requires_two_factor or user_has_device(user)) and not second_factor_verified:
        raise TokenRefused("该账户登录须双因素认证：请在通过双因素认证的网页会话中（“接口令牌”页面）签发令牌")
    if not days or days < 1 or days > max_days():
        raise TokenRefused(f"令牌有效期须为1至{max_days()}天")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:10],
        key_hash=key_hash(key),
        expires_at=timezone.now() + timedelta(days=days),
        read_only=read_only,
    )
    audit_record(
        event=AuditEvent.Event.DATA_CHANGE,
        obj=token,
        detail={"action": "api_token_create", "read_only": read_only, "days": days},
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(event=AuditEvent.Event.DATA_CHANGE, obj=token, detail={"action": "api_token_revoke"})
    return token


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
