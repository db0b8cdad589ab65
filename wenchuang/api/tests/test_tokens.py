"""API keys: stored hashed, shown once, refused when revoked, expired or unknown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from wenchuang.accounts.models import AuditEvent
from wenchuang.api import services
from wenchuang.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _get(key: str, path: str = "/api/v1/enterprises/"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_key_authenticates_its_account_and_is_stored_hashed(enterprise, data_manager):
    _, key = services.api_token_create(user=data_manager, name="区统计局脚本")
    r = _get(key)
    assert r.status_code == 200 and r.json()["count"] == 1
    row = ApiToken.objects.get()
    assert key not in (row.key_hash, row.prefix) and row.key_hash == services.key_hash(key)
    assert row.last_used_at is not None


def test_it_refuses_unknown_revoked_and_expired_keys(enterprise, data_manager):
    token, key = services.api_token_create(user=data_manager, name="脚本")
    r = _get("wc_not-a-key")
    assert r.status_code == 401 and r["WWW-Authenticate"] == "Token"
    assert r.json() == {"detail": "令牌无效、已过期或已撤销", "code": "authentication_failed"}
    assert AuditEvent.objects.filter(event="permission_denied", request_id=r["X-Request-ID"]).exists()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _get(key).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert _get(key).status_code == 200
    services.api_token_revoke(token=token)
    assert _get(key).status_code == 401


def test_a_key_keeps_the_accounts_scope(enterprise, district_admin, reference):
    from wenchuang.accounts.tests.factories import EnterpriseFactory
    from wenchuang.registry.models import District

    other = EnterpriseFactory(name="滨江测试有限公司", district=District.objects.get(code="330108"))
    _, key = services.api_token_create(user=district_admin, name="脚本")
    assert {e["uscc"] for e in _get(key).json()["results"]} == {enterprise.uscc}
    assert _get(key, f"/api/v1/enterprises/{other.uscc}/").status_code == 403


def test_administrators_get_no_key(system_admin):
    with pytest.raises(services.TokenRefused):
        services.api_token_create(user=system_admin, name="x")


def test_the_command_shows_the_key_once(data_manager, capsys):
    call_command("api_token", "create", "data_manager", "--name", "脚本")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("wc_") and _get(key).status_code == 200
    call_command("api_token", "list")
    assert key not in capsys.readouterr().out
    call_command("api_token", "revoke", str(ApiToken.objects.get().pk))
    assert _get(key).status_code == 401
