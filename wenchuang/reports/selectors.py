"""Reads of the report centre, scoped by role: the city office and the 统计员 see every report; a
district office sees the reports made for exactly its districts; nobody else sees any."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django_fsm_log.models import StateLog

from wenchuang.core.scope import user_scope
from wenchuang.plan import selectors as plan_selectors
from wenchuang.plan.models import Plan
from wenchuang.registry.models import District
from wenchuang.reports.models import GeneratedReport, ReportVersion

REPORT_ROLES = ("city_admin", "district_admin", "data_manager")


def report_scope_for_user(*, user: Any) -> list[str]:
    """District codes a user's reports are restricted to: [] = the whole city (city-wide roles)."""
    scope = user_scope(user)
    if scope.city_wide:
        return []
    if not scope.district_ids:
        # A district office bound to no district may not make a report: never the whole city.
        raise PermissionDenied("您的账号未绑定区县，无法生成报告")
    return sorted(District.objects.filter(pk__in=sorted(scope.district_ids)).values_list("code", flat=True))


def plan_list_for_user(*, user: Any) -> list[Plan]:
    """The plans a user may make reports of: every plan for the city-wide roles; for a district office
    its own district's plan and the plans above it (city, province), never another district's."""
    return plan_selectors.plan_list_covering(district_codes=report_scope_for_user(user=user))


def report_list_for_user(*, user: Any) -> QuerySet[GeneratedReport]:
    qs = GeneratedReport.objects.select_related("created_by")
    scope = user_scope(user)
    if scope.city_wide:
        return qs
    if scope.district_ids:
        return qs.filter(district_codes=report_scope_for_user(user=user))
    return qs.none()


def report_get_for_user(*, user: Any, pk: int) -> GeneratedReport:
    report = report_list_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("报告不存在")
    return report


def report_file(*, report: GeneratedReport) -> Path | None:
    from wenchuang.reports.services import reports_dir

    if not report.file_path:
        return None
    path = reports_dir() / Path(report.file_path).name
    return path if path.is_file() else None


def version_list_for_user(*, user: Any) -> QuerySet[ReportVersion]:
    """Report versions in the user's scope: all for the city office and the 统计员, the versions made for
    exactly its districts for a district office, none for anyone else."""
    qs = ReportVersion.objects.select_related("created_by", "updated_by")
    role = getattr(user, "role", None)
    if role in ("city_admin", "data_manager"):
        return qs
    if role == "district_admin":
        return qs.filter(district_codes=report_scope_for_user(user=user))
    return qs.none()


def version_get_for_user(*, user: Any, pk: int) -> ReportVersion:
    version = version_list_for_user(user=user).filter(pk=pk).first()
    if version is None:
        raise Http404("报告版本不存在")
    return version


def version_history(*, version: ReportVersion) -> QuerySet[StateLog]:
    """The logged transitions of a version, oldest first."""
    return StateLog.objects.for_(version).select_related("by", "content_type").order_by("timestamp", "pk")
