"""Lockout, password policy, two-factor enforcement, sessions and rate limits."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wenchuang.accounts.middleware import LAST_SEEN_KEY
from wenchuang.accounts.models import AuditEvent, Role
from wenchuang.accounts.tests.factories import PASSWORD, UserFactory, logged_in_client, totp_device_for

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --- lockout ---------------------------------------------------------------------------------------


def test_it_locks_an_account_after_5_failures_for_15_minutes(anonymous_client, finance_user, settings):
    for _ in range(4):
        assert _login(anonymous_client, "finance_user", "wrong-password").status_code == 200
    assert _login(anonymous_client, "finance_user", "wrong-password").status_code == 429  # the 5th locks
    response = _login(anonymous_client, "finance_user")  # the right password no longer helps
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert AuditEvent.objects.filter(event="lockout", username="finance_user").exists()
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_four_failures_do_not_lock(anonymous_client, finance_user):
    for _ in range(4):
        _login(anonymous_client, "finance_user", "wrong-password")
    assert _login(anonymous_client, "finance_user").status_code == 302


# --- passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Short1!a", "alllowercaseletters", "ALLUPPER123456", "password1234", "123456789012"],
)
def test_it_rejects_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_accepts_a_strong_password():
    validate_password("Xihu-Lake-2025")


def test_administrator_passwords_expire_after_90_days(system_admin):
    system_admin.password_changed_at = timezone.now() - timedelta(days=91)
    system_admin.save()
    client = logged_in_client(system_admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")


def test_business_role_passwords_do_not_expire(finance_user):
    finance_user.password_changed_at = timezone.now() - timedelta(days=400)
    finance_user.save()
    assert not finance_user.password_expired()


def test_changing_the_password_resets_its_age_and_is_audited(system_admin):
    system_admin.password_changed_at = timezone.now() - timedelta(days=91)
    system_admin.save()
    client = logged_in_client(system_admin)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "New-Strong-Pass-99",
            "new_password2": "New-Strong-Pass-99",
        },
    )
    assert response.status_code == 302
    system_admin.refresh_from_db()
    assert not system_admin.password_expired()
    assert AuditEvent.objects.filter(event="password_changed", username="system_admin").exists()


# --- two-factor ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.CITY_ADMIN])
def test_2fa_is_required_for_administrators_and_the_city_office(reference, role):
    user = UserFactory(username=f"u_{role}", role=role)
    client = logged_in_client(user, verified=False)
    response = client.get("/accounts/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    totp_device_for(user)
    assert client.get("/accounts/audit/")["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.DATA_MANAGER, Role.ENTERPRISE, Role.FINANCE])
def test_2fa_is_optional_for_other_roles(reference, role):
    user = UserFactory(username=f"u_{role}", role=role)
    client = logged_in_client(user, verified=False)
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_a_user_who_enabled_2fa_must_use_it(reference):
    user = UserFactory(username="careful", role=Role.FINANCE)
    totp_device_for(user)
    client = logged_in_client(user, verified=False)
    assert client.get(reverse("accounts:password_change"))["Location"].startswith(
        reverse("accounts:otp_verify")
    )


def test_the_full_login_with_enrolment_and_totp(anonymous_client, audit_admin):
    response = _login(anonymous_client, "audit_admin")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert anonymous_client.get(reverse("accounts:audit_list")).status_code == 302
    anonymous_client.get(reverse("accounts:otp_setup"))
    assert anonymous_client.post(reverse("accounts:otp_setup"), {"token": "000000"}).status_code == 200
    device = TOTPDevice.objects.get(user=audit_admin)
    device.throttle_reset()  # django-otp slows down retries after a failure
    response = anonymous_client.post(reverse("accounts:otp_setup"), {"token": _token(device)})
    assert response.status_code == 302
    assert anonymous_client.get(reverse("accounts:audit_list")).status_code == 200
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"login", "otp_failed", "otp_enrolled"} <= events


def test_the_admin_site_requires_a_verified_staff_session(system_admin):
    unverified = logged_in_client(system_admin, verified=False)
    assert unverified.get("/admin/")["Location"].startswith(reverse("accounts:otp_setup"))
    assert logged_in_client(system_admin).get("/admin/").status_code == 200


# --- sessions --------------------------------------------------------------------------------------


def test_login_issues_a_new_session_key(anonymous_client, finance_user):
    anonymous_client.get(LOGIN)
    session = anonymous_client.session
    session["pre_login"] = 1
    session.save()
    before = anonymous_client.cookies["sessionid"].value
    _login(anonymous_client, "finance_user")
    assert anonymous_client.cookies["sessionid"].value != before


def _age_session(client: Client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()


def test_idle_sessions_end_after_30_minutes(finance_user_client):
    finance_user_client.get(reverse("accounts:password_change"))
    _age_session(finance_user_client, 29)
    assert finance_user_client.get(reverse("accounts:password_change")).status_code == 200
    _age_session(finance_user_client, 31)
    response = finance_user_client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(event="session_timeout", username="finance_user").exists()
    assert finance_user_client.get(reverse("accounts:password_change")).status_code == 302


def test_administrator_sessions_end_after_15_minutes(security_admin_client):
    security_admin_client.get(reverse("accounts:password_change"))
    _age_session(security_admin_client, 16)
    assert security_admin_client.get(reverse("accounts:password_change"))["Location"].startswith(LOGIN)


def test_cookies_are_httponly_and_samesite(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


# --- rate limits and headers -----------------------------------------------------------------------


def test_login_is_rate_limited_per_ip(anonymous_client, settings):
    settings.WENCHUANG_LOGIN_RATE = "3/m"
    statuses = [_login(anonymous_client, f"nobody{i}", "x").status_code for i in range(4)]
    assert statuses[-1] == 429
    assert AuditEvent.objects.filter(event="rate_limited").exists()


def test_responses_carry_security_headers(anonymous_client):
    response = anonymous_client.get(LOGIN)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32
