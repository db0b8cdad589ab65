"""API rate limits. The rates are read from settings at request time (WENCHUANG_API_RATE_ANON /
WENCHUANG_API_RATE_USER), unlike DRF's own classes, which freeze them at import."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str:
        return settings.WENCHUANG_API_RATE_ANON


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str:
        return settings.WENCHUANG_API_RATE_USER
