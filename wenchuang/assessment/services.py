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


def tasks_assign(
    *,
    user: Any,
    commitment_id: int,
    unit_ids: list[int],
    years: list[int],
    due_month: int = 1,
    due_day: int = 31,
) -> list[Task]:
    """Make a plan commitment a task of each given unit, with a milestone for each year (due in the
    following year on `due_month`/`due_day`). A commitment with a number target becomes a number task:
    a rate target applies each year as it is, a total target is split evenly over the years; any other
    commitment is a yes/no task. Units that already carry the commitment are left as they are."""
    from wenchuang.plan.models import Commitment

    if user_scope(user).role != CITY_ADMIN:
        raise ForbiddenError("只有牵头部门（市级管理员）可以分解任务")
    c = Commitment.objects.select_related("programme").filter(pk=commitment_id).first()
    if c is None:
        raise DomainError("规划任务不存在")
    if not unit_ids or not years:
        raise DomainError("请选择责任单位和年度")
    try:
        dues = {y: date(y + 1, due_month, due_day) for y in years}
    except ValueError as exc:
        raise DomainError("报送截止日期无效") from exc
    units = list(Unit.objects.filter(pk__in=unit_ids))
    if len(units) != len(set(unit_ids)):
        raise DomainError("责任单位不存在")
    taken = set(Task.objects.filter(commitment=c).values_list("unit_id", flat=True))
    measure = Task.Measure.NUMBER if c.target_value is not None else Task.Measure.YESNO
    if c.target_value is None:
        target, text = None, "完成年度工作安排"
    elif c.unit == "%":
        target, text = c.target_value, f"达到{c.target_display}"
    else:
        target = (c.target_value / len(years)).quantize(Decimal("0.01"))
        text = f"完成{target.normalize():f}{c.unit}"
    with transaction.atomic():
        tasks = [
            Task(
                commitment=c,
                unit=u,
                code=f"{c.programme.code}-{c.code}-{u.code}",
                measure=measure,
                measure_unit=c.unit,
            )
            for u in units
            if u.pk not in taken
        ]
        Task.objects.bulk_create(tasks)
        Milestone.objects.bulk_create(
            [
                Milestone(task=t, year=y, text=f"{y}年{text}", target_value=target, due=dues[y])
                for t in tasks
                for y in sorted(years)
            ]
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=c,
            detail={
                "action": "assessment_tasks",
                "units": [t.unit_id for t in tasks],
                "years": sorted(years),
            },
        )
    return tasks


def district_units_ensure() -> int:
    """One responsible unit per district (its government, for which the district office acts); returns
    how many were created."""
    from wenchuang.registry.models import District

    have = set(Unit.objects.filter(district__isnull=False).values_list("district_id", flat=True))
    new = [
        Unit(code=f"gov-{d.code}", name=f"{d.name}人民政府", kind=Unit.Kind.DISTRICT, district=d)
        for d in District.objects.order_by("code")
        if d.pk not in have
    ]
    Unit.objects.bulk_create(new)
    return len(new)
