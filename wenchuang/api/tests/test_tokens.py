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


# --- 2FA, expiry, scope and the 接口令牌 page (issue: 2FA bypass by API token) ---------------------


def test_a_2fa_account_gets_no_key_without_a_verified_second_factor(city_admin):
    with pytest.raises(services.TokenRefused, match="双因素认证"):
        services.api_token_create(user=city_admin, name="脚本")
    with pytest.raises(Exception, match="双因素认证"):
        call_command("api_token", "create", city_admin.username, "--name", "脚本")
    assert not ApiToken.objects.exists()


def test_an_unverified_session_of_a_2fa_account_cannot_issue_a_key(city_admin):
    from wenchuang.accounts.tests.factories import logged_in_client

    client = logged_in_client(city_admin, verified=False)
    client.post("/api/tokens/", {"name": "脚本", "days": 30})
    assert not ApiToken.objects.exists()


def test_a_verified_session_issues_a_read_only_expiring_key_and_lists_and_revokes_it(
    city_admin_client, enterprise
):
    r = city_admin_client.post("/api/tokens/", {"name": "市局脚本", "days": 30})
    assert r.status_code == 200
    token = ApiToken.objects.get()
    key = r.context["key"]
    assert key.startswith("wc_") and key in r.content.decode()
    assert token.read_only and token.expires_at is not None
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    assert _get(key).status_code == 200
    # Read-only: a write with it is refused.
    r = Client().post("/api/v1/imports/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 403 and "只读" in r.json()["detail"]
    page = city_admin_client.get("/api/tokens/").content.decode()
    assert "市局脚本" in page and token.prefix in page and key not in page and "只读" in page
    assert city_admin_client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert _get(key).status_code == 401


def test_a_key_always_expires_within_the_maximum(data_manager, settings):
    settings.WENCHUANG_API_TOKEN_MAX_DAYS = 30
    for days in (0, None, 31):
        with pytest.raises(services.TokenRefused, match="有效期"):
            services.api_token_create(user=data_manager, name="x", days=days)


def test_a_read_write_key_may_write(data_manager):
    _, key = services.api_token_create(user=data_manager, name="x", read_only=False)
    r = Client().post("/api/v1/imports/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 400  # past authentication: the upload itself is missing


def test_nobody_revokes_anothers_key(data_manager, district_admin_client):
    token, _ = services.api_token_create(user=data_manager, name="x")
    assert district_admin_client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
