"""API rate limits: anonymous callers by IP, signed-in callers by account; 429 in Chinese, audited."""

from __future__ import annotations

import pytest

from wenchuang.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_429_after_the_limit(reference, anonymous_client, settings):
    settings.WENCHUANG_API_RATE_ANON = "3/min"
    codes = [anonymous_client.get("/api/v1/plans/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = anonymous_client.get("/api/v1/plans/")
    assert r.json()["code"] == "throttled" and r.json()["detail"].startswith("请求过于频繁，请在")
    assert int(r["Retry-After"]) > 0
    assert AuditEvent.objects.filter(event="rate_limited", request_id=r["X-Request-ID"]).exists()


def test_signed_in_callers_have_their_own_budget(reference, city_admin_client, anonymous_client, settings):
    settings.WENCHUANG_API_RATE_ANON = "1/min"
    settings.WENCHUANG_API_RATE_USER = "2/min"
    assert [city_admin_client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]
    assert anonymous_client.get("/api/v1/plans/").status_code == 200  # a different caller


def test_the_default_rates_come_from_the_environment(settings):
    assert settings.WENCHUANG_API_RATE_ANON == "60/min" and settings.WENCHUANG_API_RATE_USER == "600/min"
