"""Audit receivers for events raised by Django auth, django-axes and django-simple-history.

These are the one place signals are used: the events originate in third-party code we do not call.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent

_HISTORY_TYPES = {"+": "create", "~": "update", "-": "delete"}


@receiver(user_logged_in, dispatch_uid="wc_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(event=AuditEvent.Event.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="wc_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record(
        event=AuditEvent.Event.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="wc_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(event=AuditEvent.Event.LOGOUT, user=user, request=request)


@receiver(user_locked_out, dispatch_uid="wc_audit_lockout")
def _locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit_record(
        event=AuditEvent.Event.LOCKOUT,
        outcome=AuditEvent.Outcome.DENIED,
        username=(username or "")[:150],
        request=request,
        detail={"ip_address": ip_address},
    )


@receiver(post_create_historical_record, dispatch_uid="wc_audit_data_change")
def _data_change(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    audit_record(
        event=AuditEvent.Event.DATA_CHANGE,
        obj=instance,
        user=getattr(history_instance, "history_user", None),
        detail={"action": _HISTORY_TYPES.get(history_instance.history_type, history_instance.history_type)},
    )
