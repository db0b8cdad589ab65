"""Writing the audit log. Every security-relevant event goes through `audit_record`.

The current request (user, IP, request id) is carried in a context variable set by
RequestContextMiddleware, so services deep below a view can audit without passing the request down.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.http import HttpRequest

from wenchuang.accounts.models import AuditEvent

logger = logging.getLogger("wenchuang.audit")

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "wenchuang_current_request", default=None
)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    event: str,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    user: Any = None,
    username: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    row = AuditEvent(
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        role=getattr(user, "role", "") if user is not None else "",
        ip=client_ip(request),
        event=event,
        outcome=outcome,
        object_type=object_type[:100],
        object_id=str(object_id)[:100],
        request_id=getattr(request, "request_id", "") if request is not None else "",
        method=request.method or "" if request is not None else "",
        path=request.path[:500] if request is not None else "",
        detail=detail or {},
    )
    row.save()
    logger.info("audit %s %s %s %s", row.event, row.outcome, row.username or "-", row.path)
    return row
