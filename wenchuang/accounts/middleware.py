"""Request id, audit of denials, idle timeout, mandatory two-factor and password age.

Order in settings.MIDDLEWARE: RequestContextMiddleware right after SecurityMiddleware (it must see the
final response to audit denials); AccountPolicyMiddleware after django_otp's OTPMiddleware.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from wenchuang.accounts.audit import audit_record, current_request
from wenchuang.accounts.models import AuditEvent

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
LAST_SEEN_KEY = "_wc_last_seen"
# When the session began: the 8 h absolute limit counts from here and never moves (the session's own
# expiry is pushed forward each time the session is saved, i.e. on every request).
STARTED_KEY = "_wc_started"


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and audits every 403 and 429 it answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and not getattr(request, "_wc_denial_audited", False):
                audit_record(
                    event=AuditEvent.Event.PERMISSION_DENIED,
                    outcome=AuditEvent.Outcome.DENIED,
                    request=request,
                )
            elif response.status_code == 429 and not getattr(request, "axes_locked_out", False):
                audit_record(
                    event=AuditEvent.Event.RATE_LIMITED, outcome=AuditEvent.Outcome.DENIED, request=request
                )
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


def audit_anonymous_denial(request: HttpRequest) -> HttpResponse:
    """Anonymous users are sent to the login page; the attempt is still audited as a denial."""
    audit_record(event=AuditEvent.Event.PERMISSION_DENIED, outcome=AuditEvent.Outcome.DENIED, request=request)
    request._wc_denial_audited = True  # type: ignore[attr-defined]
    return redirect_to_login(request.get_full_path(), reverse("accounts:login"))


class AccountPolicyMiddleware:
    """Idle timeout (30 min; 15 for administrators), mandatory 2FA, 90-day password age for administrators."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def _exempt_prefixes(self) -> tuple[str, ...]:
        names = ["accounts:login", "accounts:logout", "accounts:otp_verify", "accounts:otp_setup"]
        return (*(reverse(n) for n in names), settings.STATIC_URL, "/i18n/", "/favicon.ico")

    @cached_property
    def _password_prefixes(self) -> tuple[str, ...]:
        return (*self._exempt_prefixes, reverse("accounts:password_change"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        now = time.time()
        timeout = (
            settings.WENCHUANG_ADMIN_IDLE_TIMEOUT_MINUTES
            if user.is_administrator  # type: ignore[union-attr]
            else settings.WENCHUANG_IDLE_TIMEOUT_MINUTES
        ) * 60
        last_seen = request.session.get(LAST_SEEN_KEY)
        started = request.session.setdefault(STARTED_KEY, now)
        if now - float(started) > settings.SESSION_COOKIE_AGE:
            audit_record(
                event=AuditEvent.Event.SESSION_TIMEOUT, user=user, request=request, detail={"absolute": True}
            )
            logout(request)
            messages.info(
                request, f"会话已超过{settings.SESSION_COOKIE_AGE // 3600}小时的最长时限，请重新登录。"
            )
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        if last_seen is not None and now - float(last_seen) > timeout:
            audit_record(event=AuditEvent.Event.SESSION_TIMEOUT, user=user, request=request)
            logout(request)
            messages.info(request, "会话因长时间未操作已超时，请重新登录。")
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        request.session[LAST_SEEN_KEY] = now

        path = request.path
        if path.startswith(self._exempt_prefixes):
            return None
        verified = getattr(user, "is_verified", lambda: False)()
        if not verified and (user.requires_two_factor or user_has_device(user)):  # type: ignore[union-attr]
            target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        if not path.startswith(self._password_prefixes) and user.must_change_password:  # type: ignore[union-attr]
            messages.warning(request, "当前密码是系统管理员设置的临时密码，请先修改密码。")
            return HttpResponseRedirect(reverse("accounts:password_change"))
        if not path.startswith(self._password_prefixes) and user.password_expired(  # type: ignore[union-attr]
            max_age_days=settings.WENCHUANG_ADMIN_PASSWORD_MAX_AGE_DAYS
        ):
            messages.warning(request, "管理员密码已超过有效期，请先修改密码。")
            return HttpResponseRedirect(reverse("accounts:password_change"))
        return None
