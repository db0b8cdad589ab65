"""The Django admin site, hardened: 2FA-verified staff only, our login page, 403 for other roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import urlencode

from wenchuang.accounts.middleware import audit_anonymous_denial

_ViewT = TypeVar("_ViewT", bound=Callable[..., HttpResponseBase])


class WenchuangAdminSite(admin.AdminSite):
    site_header = "文创E点通 管理后台"
    site_title = "文创E点通"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()
        return bool(user.is_active and user.is_staff and verified)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    def admin_view(self, view: _ViewT, cacheable: bool = False) -> _ViewT:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return audit_anonymous_denial(request)
            # Logged-in users without admin rights get 403 (audited), not a confusing second login page.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        # The wrapper keeps the view's call signature; update_wrapper cannot express that.
        return cast(_ViewT, update_wrapper(wrapper, inner))
