"""`Authorization: Token <key>` against the hashed keys of `ApiToken`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from wenchuang.api import services
from wenchuang.api.models import ApiToken

KEYWORD = "Token"


class HashedTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("令牌格式有误：应为“Authorization: Token <令牌>”")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("令牌格式有误") from exc
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=services.key_hash(key), revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .first()
        )
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("令牌无效、已过期或已撤销")
        if token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("该令牌为只读令牌，不能用于写操作；请签发读写令牌")
        services.api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
