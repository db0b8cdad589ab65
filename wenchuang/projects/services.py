"""Writes of the key-project library: the call for projects (submit), each lifecycle step with its date,
who and evidence, and yearly investment. Every change is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, DISTRICT_ADMIN, user_scope
from wenchuang.projects.models import Project, ProjectEvent, ProjectInvestment, Status


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    roles: frozenset[str]  # who may take it (a district office only in its own districts)
    needs_evidence: bool = False
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("forward", "区县审核通过并推荐", frozenset({DISTRICT_ADMIN, CITY_ADMIN})),
        Step("accept", "市级审核入库（储备）", frozenset({CITY_ADMIN})),
        Step("support", "列入扶持", frozenset({CITY_ADMIN})),
        Step("start", "登记开工", frozenset({DISTRICT_ADMIN, CITY_ADMIN}), needs_evidence=True),
        Step("complete", "登记建成", frozenset({DISTRICT_ADMIN, CITY_ADMIN}), needs_evidence=True),
        Step("terminate", "终止（退回）", frozenset({DISTRICT_ADMIN, CITY_ADMIN}), needs_reason=True),
    )
}


def allowed_steps(*, user: Any, project: Project) -> list[Step]:
    """The steps this user may take on this project now (for the buttons on the page)."""
    scope = user_scope(user)
    if scope.role not in (DISTRICT_ADMIN, CITY_ADMIN) or not scope.covers_district(project.district_id):
        return []
    available = {t.name for t in project.get_available_status_transitions()}  # type: ignore[attr-defined]
    return [s for s in STEPS.values() if s.action in available and scope.role in s.roles]


def _new_code(year: int) -> str:
    return f"XM{year}-{uuid.uuid4().hex[:8].upper()}"


def project_submit(
    *,
    user: Any,
    name: str,
    district_id: int | None,
    category_id: int,
    planned_investment: Decimal,
    planned_start: date,
    planned_completion: date,
    description: str = "",
    spatial_unit_id: int | None = None,
    platform_id: int | None = None,
    owner_id: int | None = None,
    on: date | None = None,
) -> Project:
    """项目征集: an enterprise submits its own project (district = its registered district); a district
    office or the city office may enter one for an enterprise or a public body. It starts 待区县审核."""
    scope = user_scope(user)
    if scope.is_enterprise:
        if scope.enterprise_id is None:
            raise ForbiddenError("您的账号尚未绑定企业，请先完成企业认领")
        from wenchuang.registry.models import Enterprise

        ent = Enterprise.objects.filter(pk=scope.enterprise_id).values_list("district_id", flat=True).first()
        owner_id, district_id = scope.enterprise_id, ent
    elif scope.role not in (DISTRICT_ADMIN, CITY_ADMIN):
        raise ForbiddenError("只有企业、区县管理员和市级管理员可以申报项目")
    if district_id is None:
        raise DomainError("请选择项目所在区县")
    if not scope.is_enterprise and not scope.covers_district(district_id):
        raise ForbiddenError(scope.outside("项目所在区县"))
    if planned_completion < planned_start:
        raise DomainError("计划建成日期不能早于计划开工日期")
    if planned_investment < 0:
        raise DomainError("计划总投资不能为负数")
    with transaction.atomic():
        project = Project.objects.create(
            code=_new_code(planned_start.year),
            name=name.strip(),
            owner_id=owner_id,
            district_id=district_id,
            category_id=category_id,
            spatial_unit_id=spatial_unit_id,
            platform_id=platform_id,
            description=description,
            planned_investment=planned_investment,
            planned_start=planned_start,
            planned_completion=planned_completion,
            submitted_by=user if getattr(user, "is_authenticated", False) else None,
        )
        ProjectEvent.objects.create(
            project=project,
            transition="submit",
            source="",
            target=Status.SUBMITTED,
            on=on or timezone.localdate(),
            by=project.submitted_by,
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=project,
            detail={"action": "project_submit", "name": project.name},
        )
    return project


def project_step(
    *,
    user: Any,
    project_id: int,
    action: str,
    on: date | None = None,
    evidence: str = "",
    note: str = "",
) -> Project:
    """Take one lifecycle step. Refuses steps the user's role may not take, projects outside the user's
    districts, steps the current state does not allow, missing evidence or reason, and dates in the future
    or before the previous step."""
    step = STEPS.get(action)
    if step is None:
        raise DomainError("未知的操作")
    scope = user_scope(user)
    evidence, note = evidence.strip(), note.strip()
    on = on or timezone.localdate()
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(pk=project_id).first()
        if project is None or not scope.covers_district(project.district_id):
            raise ForbiddenError("项目不存在或不在您的管辖范围内")
        if scope.role not in step.roles:
            raise ForbiddenError(f"您的角色不能执行“{step.label}”")
        if step.needs_evidence and not evidence:
            raise DomainError(f"“{step.label}”须填写佐证材料（如施工许可证号、竣工验收备案号）")
        if step.needs_reason and not note:
            raise DomainError("终止项目须填写原因")
        if on > timezone.localdate():
            raise DomainError("发生日期不能晚于今天")
        last = project.events.order_by("-on").values_list("on", flat=True).first()
        if action != "terminate" and last is not None and on < last:
            raise DomainError(f"发生日期不能早于上一环节（{last:%Y-%m-%d}）")
        source = project.status
        try:
            getattr(project, action)(on=on, by=user, description=note or evidence)
        except TransitionNotAllowed as exc:
            raise ConflictError(
                f"项目当前状态为“{project.get_status_display()}”，不能执行“{step.label}”"  # type: ignore[attr-defined]
            ) from exc
        project.save()
        ProjectEvent.objects.create(
            project=project,
            transition=action,
            source=source,
            target=project.status,
            on=on,
            by=user,
            evidence=evidence,
            note=note,
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=project,
            detail={
                "action": f"project_{action}",
                "from": source,
                "to": project.status,
                "on": on.isoformat(),
                "evidence": evidence,
                "note": note,
            },
        )
    return project


def project_investment_record(
    *, user: Any, project_id: int, year: int, planned: Decimal | None, actual: Decimal | None
) -> ProjectInvestment:
    scope = user_scope(user)
    if scope.role not in (DISTRICT_ADMIN, CITY_ADMIN):
        raise ForbiddenError()
    for v in (planned, actual):
        if v is not None and v < 0:
            raise DomainError("投资额不能为负数")
    with transaction.atomic():
        project = Project.objects.filter(pk=project_id).first()
        if project is None or not scope.covers_district(project.district_id):
            raise ForbiddenError("项目不存在或不在您的管辖范围内")
        row, _ = ProjectInvestment.objects.update_or_create(
            project=project, year=year, defaults={"planned": planned, "actual": actual}
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=project,
            detail={
                "action": "project_investment",
                "year": year,
                "planned": str(planned),
                "actual": str(actual),
            },
        )
    return row
