"""The API's errors and the one place they become responses.

Every error body is `{"detail": "<中文说明>", "code": "<machine code>"}` (validation errors add
"errors": {field: [messages]}). Domain exceptions (out-of-scope objects and every
`core.errors.DomainError`: unsupported statistics queries, refused imports, …) are translated here,
so views never build error responses themselves.
Denials (403) and rate limits (429) are audited by RequestContextMiddleware like any web page; a caller
without credentials or with a bad token gets 401 with `WWW-Authenticate: Token`, audited here (the
middleware audits 403 only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import DomainError
from wenchuang.registry.selectors import ObjectNotAccessible


class ApiError(Exception):
    """Base of the API's own errors; views raise these (or domain errors) and nothing else."""

    status_code = 400
    code = "invalid"
    default_detail = "请求有误"

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    @classmethod
    def from_domain(cls, exc: DomainError) -> ApiError:
        """A service's refusal as the API's answer: its status, code and Chinese message."""
        error = cls(exc.message)
        error.status_code, error.code = exc.status, exc.code
        return error


class BadRequest(ApiError):
    pass


class NotFound(ApiError):
    status_code = 404
    code = "not_found"
    default_detail = "对象不存在"


class Busy(ApiError):
    """The embedded SQLite database held a write lock past its busy timeout (a long import or undo):
    a retryable 503, not a 500. PostgreSQL does not get here."""

    status_code = 503
    code = "busy"
    default_detail = "数据库正忙（其他写入正在进行），请稍后重试"


# Our wording for DRF's own errors, so that the answer is Chinese whatever the Accept-Language.
_MESSAGES = {
    "not_authenticated": "未登录：请先登录，或在请求头中提供令牌（Authorization: Token <令牌>）",
    "permission_denied": "无权执行此操作",
    "not_found": "对象不存在",
    "method_not_allowed": "不支持该请求方法",
    "parse_error": "请求内容无法解析",
    "unsupported_media_type": "不支持的请求内容类型",
    "not_acceptable": "无法按要求的格式返回",
}


def _body(detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def _translate(exc: Exception) -> Exception:
    """Domain exceptions → the API error (or DRF exception) that stands for them."""
    if isinstance(exc, ObjectNotAccessible):
        # Same answer for "elsewhere" and "missing": a denial never reveals that an object exists.
        return drf.PermissionDenied(str(exc.args[0]) if exc.args else None, code="not_accessible")
    if isinstance(exc, PermissionDenied):
        return drf.PermissionDenied()
    if isinstance(exc, Http404):
        return NotFound(str(exc) if str(exc) else None)
    if isinstance(exc, DomainError):
        return ApiError.from_domain(exc)
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        return Busy()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _translate(exc)
    if isinstance(exc, ApiError):
        headers = {"Retry-After": "10"} if exc.status_code == 503 else None
        return Response(_body(exc.detail, exc.code), status=exc.status_code, headers=headers)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling (and logging) takes over
    if isinstance(exc, drf.ValidationError):
        response.data = _body("输入有误，请检查各字段", "invalid", errors=response.data)
        return response
    if isinstance(exc, drf.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        if isinstance(exc, drf.Throttled):
            wait = f"，请在{int(exc.wait) + 1}秒后重试" if exc.wait is not None else "，请稍后重试"
            detail = f"请求过于频繁{wait}"
        elif code in _MESSAGES and str(exc.detail) in (str(type(exc).default_detail), ""):
            detail = _MESSAGES[code]  # DRF's own wording → ours
        elif code in _MESSAGES and code != "permission_denied":
            detail = _MESSAGES[code]  # e.g. 'Method "PUT" not allowed.'
        elif str(exc.detail).startswith("CSRF Failed"):  # a session caller (browser) without the token
            detail = "CSRF校验失败：以登录会话调用接口时，写操作须带 X-CSRFToken 请求头"
        else:
            detail = str(exc.detail)  # our own (already Chinese) message
        response.data = _body(detail, code)
        if response.status_code == 401:
            _audit_challenge(context, code)
    return response


def _audit_challenge(context: dict[str, Any], code: str) -> None:
    """A 401 is a denial like the 403 it used to be (anonymous callers of scoped endpoints, bad tokens)."""
    view_request = context.get("request")
    request = getattr(view_request, "_request", view_request)
    audit_record(
        event=AuditEvent.Event.PERMISSION_DENIED,
        outcome=AuditEvent.Outcome.DENIED,
        request=request,
        detail={"status": 401, "code": code},
    )
    if request is not None:
        request._wc_denial_audited = True


def not_found(request: Any, exception: Exception | None = None) -> Any:
    """The site's 404 handler: under /api/ a JSON body like every other API error (a wrong path or a
    non-numeric id never gets the HTML page); elsewhere Django's page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(_body("接口不存在或对象不存在", "not_found"), status=404)
    return page_not_found(request, exception)


def server_error(request: Any) -> Any:
    """The site's 500 handler. A request that lost its database connection (PostgreSQL restarting, a
    failover) was not carried out — its transaction rolled back — so it answers 503 with Retry-After,
    a JSON body under /api/ and a Chinese page elsewhere, rendered without touching the database.
    Anything else is Django's 500 page."""
    import sys

    from django.db import InterfaceError
    from django.http import HttpResponse, JsonResponse
    from django.template import loader
    from django.views.defaults import server_error as django_server_error

    exc = sys.exc_info()[1]  # Django calls the handler inside its `except` block
    if not isinstance(exc, OperationalError | InterfaceError) or _connection_usable():
        return django_server_error(request)  # a database error of the request itself, not of the link
    headers = {"Retry-After": "10"}
    if request.path.startswith("/api/"):
        body = _body("数据库暂时不可用，请稍后重试", "service_unavailable")
        return JsonResponse(body, status=503, headers=headers)
    return HttpResponse(loader.get_template("503.html").render(), status=503, headers=headers)


def _connection_usable() -> bool:
    from django.db import connection

    try:
        return connection.connection is not None and connection.is_usable()
    except Exception:  # the check itself lost the server: not usable
        return False


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the error answers it can give
    (400 bad input, 401 without credentials, 403 refused, 404 missing), each with the one error body."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "中文说明"},
            "code": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": True},
        },
        "required": ["detail", "code"],
    }
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    texts = {
        "400": "请求参数有误",
        "401": "未提供或令牌无效（WWW-Authenticate: Token）",
        "403": "无权访问（范围外与不存在同样403）",
        "404": "不存在",
        "405": "不支持该请求方法",
        "429": "请求过于频繁",
        "503": "数据库正忙，请稍后重试（Retry-After）",
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, text in texts.items():
                if status not in responses:
                    responses[status] = {"description": text, "content": ref}
    return result
