"""Writes of the approval app: a district submits its year, the city approves or returns it with
reasons, the city reopens an approved year; reminders to enterprises that have not filed. All audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.approval.models import DistrictYear, Reminder, ReturnReason
from wenchuang.approval.selectors import completeness_table
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, DISTRICT_ADMIN, user_scope
from wenchuang.registry.models import District

LABELS = {"submit": "提交审核", "approve": "审核通过", "send_back": "退回", "reopen": "重新开放"}


@dataclass(frozen=True)
class Reason:
    reason: str
    enterprise_id: int | None = None
    rule_id: int | None = None


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year:
        raise DomainError("年度无效")


def _take(row: DistrictYear, action: str, user: Any, note: str) -> None:
    source = row.state
    try:
        getattr(row, action)(by=user, description=note)
    except TransitionNotAllowed as exc:
        raise ConflictError(f"当前状态为“{row.get_state_display()}”，不能{LABELS[action]}") from exc  # type: ignore[attr-defined]
    now = timezone.now()
    if action == "submit":
        row.submitted_at = now
    else:
        row.decided_at = now
    row.note = note
    row.save()
    audit_record(
        event=AuditEvent.Event.DATA_CHANGE,
        user=user,
        obj=row,
        detail={
            "action": f"approval_{action}",
            "district": row.district_id,
            "year": row.year,
            "from": source,
            "to": row.state,
            "note": note,
        },
    )


def district_year_submit(*, user: Any, district_id: int, year: int, note: str = "") -> DistrictYear:
    """A district office (or the city office for it) submits the year's data. The validation rules are
    run for the year first so that the reviewer sees current results."""
    scope = user_scope(user)
    if scope.role not in (DISTRICT_ADMIN, CITY_ADMIN) or not scope.covers_district(district_id):
        raise ForbiddenError(scope.outside("该区县"))
    _check_year(year)
    if not District.objects.filter(pk=district_id).exists():
        raise ForbiddenError("区县不存在")
    from wenchuang.stats import validation

    validation.run(years=[year])
    with transaction.atomic():
        row, _ = DistrictYear.objects.select_for_update().get_or_create(district_id=district_id, year=year)
        _take(row, "submit", user, note.strip())
        ReturnReason.objects.filter(district_year=row, resolved=False).update(resolved=True)
    return row


def _city(user: Any) -> None:
    if user_scope(user).role != CITY_ADMIN:
        raise ForbiddenError("只有市级管理员可以审核")


def district_year_approve(*, user: Any, pk: int, note: str = "") -> DistrictYear:
    _city(user)
    with transaction.atomic():
        row = DistrictYear.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ForbiddenError("审核对象不存在")
        _take(row, "approve", user, note.strip())
    return row


def district_year_return(*, user: Any, pk: int, reasons: list[Reason], note: str = "") -> DistrictYear:
    """Return with at least one reason; each may name an enterprise and/or a failed validation rule."""
    _city(user)
    reasons = [r for r in reasons if r.reason.strip()]
    if not reasons and not note.strip():
        raise DomainError("退回须至少填写一条原因（可针对企业或未通过的校验规则）")
    with transaction.atomic():
        row = DistrictYear.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ForbiddenError("审核对象不存在")
        _take(row, "send_back", user, note.strip())
        rnd = (row.reasons.aggregate(m=Max("round"))["m"] or 0) + 1
        items = [
            ReturnReason(
                district_year=row,
                round=rnd,
                enterprise_id=r.enterprise_id,
                rule_id=r.rule_id,
                reason=r.reason.strip(),
            )
            for r in reasons
        ] or [ReturnReason(district_year=row, round=rnd, reason=note.strip())]
        ReturnReason.objects.bulk_create(items)
    return row


def district_year_reopen(*, user: Any, pk: int, note: str) -> DistrictYear:
    """Unlock an approved district-year; the reason is required and audited."""
    _city(user)
    if not note.strip():
        raise DomainError("重新开放须填写原因")
    with transaction.atomic():
        row = DistrictYear.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ForbiddenError("审核对象不存在")
        _take(row, "reopen", user, note.strip())
    return row


def reminders_send(*, user: Any, year: int, district_id: int | None = None, message: str = "") -> int:
    """One in-app reminder to every enterprise (in the user's scope) still missing `year`'s annual data.
    Returns how many were sent."""
    scope = user_scope(user)
    if scope.role not in (DISTRICT_ADMIN, CITY_ADMIN):
        raise ForbiddenError()
    _check_year(year)
    if district_id is not None and not scope.covers_district(district_id):
        raise ForbiddenError(scope.outside("该区县"))
    ids = (
        [district_id]
        if district_id is not None
        else (None if scope.city_wide else sorted(scope.district_ids or ()))
    )
    missing = completeness_table(year=year, district_ids=ids)[0].missing
    text = message.strip() or f"贵单位{year}年度文化企业年报数据尚未报送，请尽快通过文创E点通在线填报。"
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [Reminder(enterprise_id=e, year=year, message=text, sent_by=user) for e in missing],
            batch_size=1000,
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            detail={
                "action": "approval_reminders",
                "year": year,
                "district": district_id,
                "count": len(missing),
            },
        )
    return len(missing)


def reminder_mark_read(*, user: Any, pk: int) -> None:
    scope = user_scope(user)
    n = Reminder.objects.filter(pk=pk, enterprise_id=scope.enterprise_id or -1, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if not n and not Reminder.objects.filter(pk=pk, enterprise_id=scope.enterprise_id or -1).exists():
        raise ForbiddenError("提醒不存在")
