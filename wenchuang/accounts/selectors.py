"""Reads for accounts: the audit log, which only the 审计管理员 reads (superuser via the admin, read-only)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from wenchuang.accounts.models import AuditEvent, Role


def audit_event_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or user.role != Role.AUDIT_ADMIN:
        raise PermissionDenied
    qs = AuditEvent.objects.all()
    f = filters or {}
    if f.get("username"):
        qs = qs.filter(username__icontains=f["username"])
    for field in ("event", "outcome", "ip", "request_id"):
        if f.get(field):
            qs = qs.filter(**{field: f[field]})
    tz = timezone.get_current_timezone()
    if f.get("date_from"):
        qs = qs.filter(created_at__gte=datetime.combine(f["date_from"], time.min, tzinfo=tz))
    if f.get("date_to"):
        qs = qs.filter(created_at__lte=datetime.combine(f["date_to"], time.max, tzinfo=tz))
    return qs
