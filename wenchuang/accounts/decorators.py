"""Role checks for views. Anonymous users go to the login page; other roles get 403. Both are audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from wenchuang.accounts.middleware import audit_anonymous_denial

_View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[_View], _View]:
    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return audit_anonymous_denial(request)
            if user.role not in roles:  # type: ignore[union-attr]
                raise PermissionDenied  # audited by RequestContextMiddleware
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def login_required_audited(view: _View) -> _View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return audit_anonymous_denial(request)
        return view(request, *args, **kwargs)

    return wrapper
