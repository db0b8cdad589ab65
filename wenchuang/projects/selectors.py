"""Reads of the key-project library, every one through the user's scope: the city office and the 统计员
see every project, a district office its districts', an enterprise its own. The rates read the plan's
commitment (metric `project_start_completion_rate`) from the plan data, never a constant."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from wenchuang.core.errors import ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.plan.models import Commitment, Plan, SpatialUnit
from wenchuang.projects import rates
from wenchuang.projects.models import Project, ProjectEvent, Status

RATE_METRIC = "project_start_completion_rate"
KINDS = {"start": "开工率", "completion": "建成率"}


def project_list(*, user: Any) -> QuerySet[Project]:
    scope = user_scope(user)
    qs = Project.objects.select_related("district", "category", "spatial_unit", "owner")
    return scope.apply(qs, district_field="district", enterprise_field="owner")


def project_get(*, user: Any, pk: int) -> Project:
    """The project, or ForbiddenError — the same for a missing project and one outside the scope."""
    project = project_list(user=user).filter(pk=pk).first()
    if project is None:
        raise ForbiddenError("项目不存在或不在您的管辖范围内")
    return project


def project_events(*, project: Project) -> QuerySet[ProjectEvent]:
    return project.events.select_related("by").order_by("on", "pk")


def rate_target(*, plan: Plan | None) -> tuple[str, Decimal] | None:
    """(op, value) of the plan's project start/completion commitment, None when the plan has none."""
    if plan is None:
        return None
    row = (
        Commitment.objects.filter(programme__plan=plan, metric=RATE_METRIC, target_value__isnull=False)
        .values_list("target_op", "target_value")
        .first()
    )
    return (row[0], Decimal(row[1])) if row and row[1] is not None else None


def _dates(qs: QuerySet[Project]) -> list[rates.ProjectDates]:
    fields = (
        "pk",
        "accepted_on",
        "planned_start",
        "planned_completion",
        "actual_start",
        "actual_completion",
        "terminated_on",
    )
    return [rates.ProjectDates(*row) for row in qs.values_list(*fields)]


@dataclass
class RateRow:
    key: str  # "city", "district:<id>", "unit:<id>"
    label: str
    start: rates.Rate
    completion: rates.Rate


def rate_table(*, user: Any, year: int, plan: Plan | None, as_of: date | None = None) -> list[RateRow]:
    """The year's start and completion rates for the user's whole scope, each district and each spatial
    unit of the plan (one query for the projects)."""
    as_of = as_of or timezone.localdate()
    qs = project_list(user=user).filter(accepted_on__isnull=False)
    rows_all = list(
        qs.values_list("pk", "district_id", "district__name", "spatial_unit_id", "spatial_unit__name")
    )
    dates = {d.pk: d for d in _dates(qs)}
    groups: dict[str, tuple[str, list[rates.ProjectDates]]] = {}
    scope = user_scope(user)
    groups["city"] = ("全市" if scope.city_wide else "本辖区", list(dates.values()))
    by_district: dict[int, list[rates.ProjectDates]] = defaultdict(list)
    by_unit: dict[int, list[rates.ProjectDates]] = defaultdict(list)
    names: dict[str, str] = {}
    for pk, did, dname, uid, uname in rows_all:
        by_district[did].append(dates[pk])
        names[f"district:{did}"] = dname
        if uid is not None:
            by_unit[uid].append(dates[pk])
            names[f"unit:{uid}"] = uname
    for did, items in by_district.items():  # in district-code order, as read
        groups[f"district:{did}"] = (names[f"district:{did}"], items)
    plan_order = (
        SpatialUnit.objects.filter(pk__in=list(by_unit)).order_by("kind", "seq").values_list("pk", flat=True)
    )
    for uid in plan_order:  # belts, corridors, clusters in the plan's order
        groups[f"unit:{uid}"] = (names[f"unit:{uid}"], by_unit[uid])
    return [
        RateRow(
            key=key,
            label=label,
            start=rates.rate(items, year=year, kind="start", as_of=as_of),
            completion=rates.rate(items, year=year, kind="completion", as_of=as_of),
        )
        for key, (label, items) in groups.items()
    ]


def rate_detail(
    *, user: Any, year: int, kind: str, group: str = "city", as_of: date | None = None
) -> tuple[rates.Rate, list[Project]]:
    """The figure and the projects behind it (denominator, with a flag for those in the numerator)."""
    if kind not in KINDS:
        raise ForbiddenError("未知的比率")
    qs = project_list(user=user).filter(accepted_on__isnull=False)
    if group.startswith("district:"):
        qs = qs.filter(district_id=int(group.split(":", 1)[1]))
    elif group.startswith("unit:"):
        qs = qs.filter(spatial_unit_id=int(group.split(":", 1)[1]))
    figure = rates.rate(_dates(qs), year=year, kind=kind, as_of=as_of or timezone.localdate())
    projects = list(qs.filter(pk__in=figure.denominator).order_by("district__code", "code"))
    done = set(figure.numerator)
    for p in projects:
        p.counted = p.pk in done  # type: ignore[attr-defined]
    return figure, projects


def rate_series(
    *,
    plan: Plan | None,
    years: list[int] | None = None,
    user: Any = None,
    district_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """City-wide start/completion rates per year with the lists behind them, for the cockpit and the
    reports (the report layer calls this; `user=None` means the whole city, as a report for the city
    office; `district_ids` limits it to districts). Each entry: year, kind, value (None = 暂无数据),
    numerator, denominator, target, meets, projects (code, name, district, planned and actual date)."""
    qs = Project.objects.filter(accepted_on__isnull=False)
    if user is not None:
        qs = project_list(user=user).filter(accepted_on__isnull=False)
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    if years is None:
        years = list(range(plan.start_year, plan.end_year + 1)) if plan else []
    target = rate_target(plan=plan)
    dates = _dates(qs)
    info = {
        row[0]: row[1:]
        for row in qs.values_list(
            "pk",
            "code",
            "name",
            "district__name",
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
        )
    }
    out = []
    today = timezone.localdate()
    for year in years:
        for kind in KINDS:
            r = rates.rate(dates, year=year, kind=kind, as_of=today)
            num = set(r.numerator)
            out.append(
                {
                    "year": year,
                    "kind": kind,
                    "label": KINDS[kind],
                    "value": r.value,
                    "numerator": len(r.numerator),
                    "denominator": len(r.denominator),
                    "target": target[1] if target else None,
                    "meets": r.meets(target[1] if target else None),
                    "projects": [
                        {
                            "code": info[pk][0],
                            "name": info[pk][1],
                            "district": info[pk][2],
                            "planned": info[pk][3] if kind == "start" else info[pk][5],
                            "actual": info[pk][4] if kind == "start" else info[pk][6],
                            "counted": pk in num,
                        }
                        for pk in r.denominator
                    ],
                }
            )
    return out


def status_counts(*, district_ids: list[int] | None = None) -> dict[str, int]:
    """Projects per lifecycle state (label → count), for the reports; every state listed, 0 included
    (a count of projects is a count, not a missing figure)."""
    qs = Project.objects.all()
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    got = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return {str(label): got.get(value, 0) for value, label in Status.choices}
