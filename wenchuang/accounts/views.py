"""Login with a second (TOTP) step, logout, password change, 2FA enrolment, enterprise claim, invitation
codes and the audit-log reader. Views stay thin: a form, one selector or service, a template."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.decorators import ratelimit

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.decorators import login_required_audited, role_required
from wenchuang.accounts.forms import AuditFilterForm, ClaimForm, OTPTokenForm
from wenchuang.accounts.models import AuditEvent, Role
from wenchuang.accounts.selectors import audit_event_list
from wenchuang.accounts.services import enterprise_claim, invitation_issue
from wenchuang.core.exports import csv_response


def _login_rate(group: str, request: HttpRequest) -> str:
    return settings.WENCHUANG_LOGIN_RATE


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_login_rate, method="POST", block=True)
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        # login() rotates the session key (session fixation) and fires user_logged_in (audited).
        auth_login(request, form.get_user())
        target = _next_url(request)
        if request.user.requires_two_factor or user_has_device(request.user):  # type: ignore[union-attr]
            step = "accounts:otp_verify" if user_has_device(request.user) else "accounts:otp_setup"
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': target})}")
        return HttpResponseRedirect(target)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)  # fires user_logged_out (audited)
    return HttpResponseRedirect(reverse("accounts:login"))


@sensitive_post_parameters("token")
@never_cache
@login_required_audited
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate=_login_rate, method="POST", block=True)
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_has_device(user):
        return HttpResponseRedirect(reverse("accounts:otp_setup"))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit_record(event=AuditEvent.Event.OTP_VERIFIED, request=request)
            return HttpResponseRedirect(_next_url(request))
        audit_record(event=AuditEvent.Event.OTP_FAILED, outcome=AuditEvent.Outcome.FAILURE, request=request)
        form.add_error("token", "动态验证码错误或已过期。")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request, "")})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    buf = BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@sensitive_post_parameters("token")
@never_cache
@login_required_audited
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate=_login_rate, method="POST", block=True)
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user_has_device(user):
        # Re-enrolment is a security administrator's reset, never self-service over an existing device.
        return HttpResponseRedirect(reverse("accounts:otp_verify"))
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "TOTP"})
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(event=AuditEvent.Event.OTP_ENROLLED, request=request, obj=device)
            messages.success(request, "双因素认证已启用。")
            return HttpResponseRedirect(_next_url(request))
        audit_record(event=AuditEvent.Event.OTP_FAILED, outcome=AuditEvent.Outcome.FAILURE, request=request)
        form.add_error("token", "动态验证码错误，请检查手机时间后重试。")
    context: dict[str, Any] = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context)


class AuditedPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return login_required_audited(lambda r: HttpResponse())(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(event=AuditEvent.Event.PASSWORD_CHANGED, request=self.request)
        messages.success(self.request, "密码已修改。")
        return response


password_change = AuditedPasswordChangeView.as_view()


@sensitive_post_parameters("password1", "password2", "code")
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_login_rate, method="POST", block=True)
def claim(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = enterprise_claim(
                uscc=data["uscc"],
                code=data["code"],
                username=data["username"],
                password=data["password1"],
                email=data["email"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"已认领企业：{user.enterprise}")
            return HttpResponseRedirect("/")
    return render(request, "accounts/claim.html", {"form": form})


@role_required(Role.CITY_ADMIN, Role.DISTRICT_ADMIN)
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest, uscc: str) -> HttpResponse:
    from wenchuang.registry.selectors import enterprise_get_for_user

    enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=uscc)
    code = None
    if request.method == "POST":
        _, code = invitation_issue(issued_by=request.user, uscc=enterprise.uscc)  # type: ignore[arg-type]
    return render(request, "accounts/invitation.html", {"enterprise": enterprise, "code": code})


AUDIT_COLUMNS = [
    "时间",
    "用户名",
    "角色",
    "IP 地址",
    "事件",
    "对象类型",
    "对象标识",
    "结果",
    "请求ID",
    "方法",
    "路径",
]


def _audit_rows(qs: Any) -> Any:
    for e in qs.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.role,
            e.ip or "",
            e.get_event_display(),
            e.object_type,
            e.object_id,
            e.get_outcome_display(),
            e.request_id,
            e.method,
            e.path,
        ]


@role_required(Role.AUDIT_ADMIN)
@require_http_methods(["GET"])
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_event_list(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/audit_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@role_required(Role.AUDIT_ADMIN)
@require_http_methods(["GET"])
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_event_list(user=request.user, filters=filters)
    audit_record(
        event=AuditEvent.Event.EXPORT,
        request=request,
        object_type=AuditEvent._meta.label,
        detail={"filters": {k: str(v) for k, v in filters.items() if v}, "rows": qs.count()},
    )
    return csv_response("audit-log.csv", AUDIT_COLUMNS, _audit_rows(qs))


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "accounts/rate_limited.html", status=429)
