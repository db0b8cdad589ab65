"""Reads of the task assessment, scoped: the city office (and the 统计员) see every unit; a district
office the unit of its district (its district government). Scores for the pages and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from wenchuang.assessment import scoring
from wenchuang.assessment.models import Adjustment, Method, Milestone, Report, ReportState, Task, Unit
from wenchuang.core.errors import ForbiddenError
from wenchuang.core.scope import user_scope


def units(*, user: Any) -> QuerySet[Unit]:
    scope = user_scope(user)
    if scope.role not in ("city_admin", "district_admin", "data_manager"):
        return Unit.objects.none()
    return scope.apply(Unit.objects.all(), district_field="district")


def unit_get(*, user: Any, pk: int) -> Unit:
    unit = units(user=user).filter(pk=pk).first()
    if unit is None:
        raise ForbiddenError("单位不存在或不在您的管辖范围内")
    return unit


def milestones(*, user: Any, year: int) -> QuerySet[Milestone]:
    return Milestone.objects.filter(task__unit__in=units(user=user), year=year).select_related(
        "task__unit", "task__commitment__programme"
    )


def milestone_get(*, user: Any, pk: int) -> Milestone:
    m = (
        Milestone.objects.filter(pk=pk, task__unit__in=units(user=user))
        .select_related("task__unit", "task__commitment__programme")
        .first()
    )
    if m is None:
        raise ForbiddenError("任务节点不存在或不在您的管辖范围内")
    return m


def report_get(*, user: Any, pk: int) -> Report:
    r = Report.objects.filter(pk=pk, milestone__task__unit__in=units(user=user)).first()
    if r is None:
        raise ForbiddenError("报送不存在或不在您的管辖范围内")
    return r


def method_for(*, year: int) -> Method | None:
    """The version in force for `year`: the one applying from the latest year up to `year`; among
    those, the latest published."""
    return (
        Method.objects.filter(applies_from__lte=year)
        .order_by("-applies_from", "-published_on", "-version", "code")
        .first()
    )


def _inputs(
    unit_ids: list[int], year: int
) -> tuple[dict[int, list[scoring.MilestoneInput]], dict[int, list[scoring.AdjustmentInput]]]:
    ms = list(
        Milestone.objects.filter(task__unit_id__in=unit_ids, year=year).values_list(
            "pk",
            "task__unit_id",
            "task__code",
            "task__commitment__programme__code",
            "task__commitment__text",
            "task__measure",
            "target_value",
            "due",
        )
    )
    reports: dict[int, list[tuple[Any, ...]]] = {}
    for mid, state, value, done, on, _pk in (
        Report.objects.filter(milestone_id__in=[m[0] for m in ms])
        .order_by("reported_on", "pk")
        .values_list("milestone_id", "state", "value", "done", "reported_on", "pk")
    ):
        reports.setdefault(mid, []).append((state, value, done, on))
    out: dict[int, list[scoring.MilestoneInput]] = {u: [] for u in unit_ids}
    for mid, uid, tcode, pcode, text, measure, target, due in ms:
        rs = reports.get(mid, [])
        accepted = [r for r in rs if r[0] == ReportState.ACCEPTED]
        last = accepted[-1] if accepted else None
        out[uid].append(
            scoring.MilestoneInput(
                task_code=tcode,
                programme_code=pcode,
                label=text[:40],
                measure=measure,
                target=target,
                due=due,
                accepted=(last[1], last[2], last[3]) if last else None,
                has_any_report=bool(rs),
            )
        )
    adj: dict[int, list[scoring.AdjustmentInput]] = {u: [] for u in unit_ids}
    for uid, kind, item, points, reason in Adjustment.objects.filter(
        unit_id__in=unit_ids, year=year
    ).values_list("unit_id", "kind", "item", "points", "reason"):
        adj[uid].append(scoring.AdjustmentInput(kind, item, points, reason))
    return out, adj


@dataclass
class UnitScore:
    unit: Unit
    sheet: scoring.Sheet
    rank: int = 0


def scores(
    *, year: int, user: Any = None, today: date | None = None
) -> tuple[Method | None, list[UnitScore]]:
    """Every unit's sheet for `year` (the user's units; `user=None`: all, for the city's reports),
    ranked by total. No method for the year → (None, [])."""
    method = method_for(year=year)
    if method is None:
        return None, []
    qs = Unit.objects.all() if user is None else units(user=user)
    unit_list = [u for u in qs.order_by("code")]
    ms, adj = _inputs([u.pk for u in unit_list], year)
    today = today or timezone.localdate()
    rows = [
        UnitScore(
            u, scoring.score(rules=method.rules, milestones=ms[u.pk], adjustments=adj[u.pk], today=today)
        )
        for u in unit_list
        if ms[u.pk] or adj[u.pk]
    ]
    rows.sort(key=lambda r: (-r.sheet.total, r.unit.code))
    for i, r in enumerate(rows, start=1):
        r.rank = i
    return method, rows


def task_score_summary(*, year: int, district_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """For the reports: rank, unit, score (task points, deductions, bonus), overdue count per unit,
    city-wide ranking; `district_ids` keeps the district governments of those districts only."""
    method, rows = scores(year=year)
    if district_ids is not None:
        rows = [r for r in rows if r.unit.district_id in district_ids]
    return [
        {
            "rank": r.rank,
            "unit": r.unit.name,
            "score": r.sheet.total,
            "base": r.sheet.base,
            "deducted": r.sheet.deducted,
            "bonus": r.sheet.bonus,
            "overdue": len(r.sheet.overdue),
            "method": str(method),
        }
        for r in rows
    ]


def tasks_for(*, user: Any) -> QuerySet[Task]:
    return Task.objects.filter(unit__in=units(user=user))


def commitment_units() -> dict[int, list[str]]:
    """Commitment id → names of its responsible units (for the reports' task list)."""
    out: dict[int, list[str]] = {}
    for cid, name in Task.objects.order_by("unit__kind", "unit__code").values_list(
        "commitment_id", "unit__name"
    ):
        out.setdefault(cid, []).append(name)
    return out
