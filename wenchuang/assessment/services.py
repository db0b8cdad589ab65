"""Writes of the task assessment: progress reports with evidence, the lead office's review, bonus and
deduction items, publishing a method version, and tasks made from the plan's commitments. Audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.assessment import scoring
from wenchuang.assessment.models import Adjustment, Method, Milestone, Report, Task, Unit
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, DISTRICT_ADMIN, user_scope


def _covers(user: Any, unit: Unit) -> bool:
    scope = user_scope(user)
    if scope.role == CITY_ADMIN:
        return True
    return (
        scope.role == DISTRICT_ADMIN
        and unit.district_id is not None
        and scope.covers_district(unit.district_id)
    )


def report_submit(
    *,
    user: Any,
    milestone_id: int,
    evidence: str,
    value: Decimal | None = None,
    done: bool | None = None,
    evidence_file: Any = None,
    on: date | None = None,
) -> Report:
    """A unit reports progress on a milestone (a district office for its district government; the city
    office for any unit). Evidence is required; a number measure needs a value, a yes/no a choice."""
    m = Milestone.objects.select_related("task__unit").filter(pk=milestone_id).first()
    if m is None or not _covers(user, m.task.unit):
        raise ForbiddenError("任务节点不存在或不在您的管辖范围内")
    if not evidence.strip():
        raise DomainError("请填写佐证说明（可附佐证文件）")
    if m.task.measure == Task.Measure.NUMBER:
        if value is None:
            raise DomainError("请填写完成值")
        if value < 0:
            raise DomainError("完成值不能为负数")
    elif done is None:
        raise DomainError("请选择是否完成")
    with transaction.atomic():
        report = Report.objects.create(
            milestone=m,
            value=value if m.task.measure == Task.Measure.NUMBER else None,
            done=done if m.task.measure == Task.Measure.YESNO else None,
            evidence=evidence.strip(),
            evidence_file=evidence_file or "",
            reported_by=user,
            reported_on=on or timezone.localdate(),
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=report,
            detail={"action": "assessment_report", "milestone": m.pk, "value": str(value), "done": done},
        )
    return report


def report_review(*, user: Any, report_id: int, accept: bool, note: str = "") -> Report:
    """The lead office (city) accepts a report — then it counts — or returns it with a reason."""
    if user_scope(user).role != CITY_ADMIN:
        raise ForbiddenError("只有牵头部门（市级管理员）可以审核")
    if not accept and not note.strip():
        raise DomainError("退回须填写原因")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise ForbiddenError("报送不存在")
        try:
            (report.accept if accept else report.send_back)(by=user, description=note)
        except TransitionNotAllowed as exc:
            raise ConflictError("该报送已审核") from exc
        report.review_note, report.reviewed_by, report.reviewed_at = note.strip(), user, timezone.now()
        report.save()
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=report,
            detail={"action": "assessment_review", "accept": accept, "note": note},
        )
    return report


def adjustment_add(
    *, user: Any, unit_id: int, year: int, kind: str, item: str, points: Decimal, reason: str
) -> Adjustment:
    if user_scope(user).role != CITY_ADMIN:
        raise ForbiddenError()
    if kind not in Adjustment.Kind.values or points <= 0 or not reason.strip():
        raise DomainError("请填写类型、正的分值和事由")
    with transaction.atomic():
        row = Adjustment.objects.create(
            unit_id=unit_id, year=year, kind=kind, item=item, points=points, reason=reason, created_by=user
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=row,
            detail={"action": "assessment_adjustment", "kind": kind, "points": str(points)},
        )
    return row


def method_publish(
    *,
    code: str,
    name: str,
    applies_from: int,
    rules: dict[str, Any],
    note: str = "",
    user: Any = None,
    published_on: date | None = None,
) -> Method:
    """A new version of a method (versions are never edited: a revision is a new row)."""
    problems = scoring.check_rules(rules)
    if problems:
        raise DomainError("考核办法规则有误：" + "；".join(problems))
    with transaction.atomic():
        last = (
            Method.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first()
            or 0
        )
        method = Method.objects.create(
            code=code,
            version=last + 1,
            name=name,
            applies_from=applies_from,
            rules=rules,
            note=note,
            published_on=published_on or timezone.localdate(),
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=method,
            detail={"action": "assessment_method", "version": method.version},
        )
    return method
