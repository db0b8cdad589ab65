"""The 接口令牌 page: a signed-in user lists, issues and revokes their own API keys. Accounts whose
sign-in needs a second factor reach it only through a 2FA-verified session (the account middleware
sends an unverified one to the 2FA page first; the service checks again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.api import services
from wenchuang.api.models import ApiToken

TOKEN_ROLES = ("city_admin", "district_admin", "data_manager", "enterprise")


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="如：区统计局数据上报脚本")
    days = forms.IntegerField(label="有效天数", min_value=1, initial=90)
    read_write = forms.BooleanField(label="读写令牌（可上传导入、撤销批次；默认只读）", required=False)

    def clean_days(self) -> int:
        days = int(self.cleaned_data["days"])
        if days > services.max_days():
            raise forms.ValidationError(f"有效期不能超过{services.max_days()}天")
        return days


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@role_required(*TOKEN_ROLES)
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    key: str | None = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=not form.cleaned_data["read_write"],
                second_factor_verified=_verified(request),
            )
            messages.success(request, f"令牌#{token.pk}已签发：只显示这一次，请立即复制保存")
            form = TokenForm()
        except services.TokenRefused as exc:
            messages.error(request, str(exc))
    tokens = ApiToken.objects.filter(user_id=int(request.user.pk or 0)).order_by("-created_at")
    context: dict[str, Any] = {"form": form, "tokens": tokens, "key": key}
    return render(request, "api/tokens.html", context)


@role_required(*TOKEN_ROLES)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user_id=int(request.user.pk or 0)).first()
    if token is None:
        raise PermissionDenied  # another account's key and a missing one answer alike
    services.api_token_revoke(token=token)
    messages.success(request, f"令牌#{pk}已撤销")
    return redirect("api_tokens:list")
