"""Reads of the approval app: the publication lock (`locked_district_years`, `assert_unlocked`) that the
import write path and every edit path call, the approval queue scoped by user, and reporting
completeness (`completeness_rate` for other code, `completeness_table` for the pages and reports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from wenchuang.approval.completeness import Completeness
from wenchuang.approval.models import DistrictYear, Reminder, State
from wenchuang.core.errors import ConflictError, ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.registry.models import District, Enterprise, EnterpriseYear


class LockedError(ConflictError):
    code = "locked"
    default_message = "该区县年度数据已审核锁定"


def locked_message(district_name: str, year: int) -> str:
    return f"{district_name}{year}年数据已审核锁定，不能导入或修改；如需更正请市级管理员重新开放"


def locked_district_years(*, years: Iterable[int] | None = None) -> dict[tuple[int, int], str]:
    """{(district id, year): refusal message} of every approved, hence locked, district-year (one query).
    Test membership with `(district_id, year) in locked`."""
    qs = DistrictYear.objects.filter(state=State.APPROVED)
    if years is not None:
        qs = qs.filter(year__in=sorted(set(years)))
    return {
        (d, y): locked_message(name, y)
        for d, y, name in qs.values_list("district_id", "year", "district__name")
    }


def assert_unlocked_rows(pairs: Iterable[tuple[int, int]]) -> None:
    """Raise LockedError for the first locked (district id, year) among `pairs` (one query)."""
    pairs = set(pairs)
    locked = locked_district_years(years={y for _, y in pairs})
    hit = sorted(pairs & locked.keys())
    if hit:
        raise LockedError(locked[hit[0]])


def is_locked(*, district_id: int, year: int) -> bool:
    return DistrictYear.objects.filter(district_id=district_id, year=year, state=State.APPROVED).exists()


def assert_unlocked(*, district_id: int, year: int) -> None:
    """Raise LockedError (Chinese message) when the district-year is approved and locked."""
    if is_locked(district_id=district_id, year=year):
        name = District.objects.filter(pk=district_id).values_list("name", flat=True).first() or ""
        raise LockedError(locked_message(name, year))


def district_years(*, user: Any) -> QuerySet[DistrictYear]:
    scope = user_scope(user)
    if scope.role not in ("city_admin", "district_admin", "data_manager"):
        return DistrictYear.objects.none()
    return scope.apply(DistrictYear.objects.select_related("district"), district_field="district")


def district_year_get(*, user: Any, pk: int) -> DistrictYear:
    row = district_years(user=user).filter(pk=pk).first()
    if row is None:
        raise ForbiddenError("审核对象不存在或不在您的管辖范围内")
    return row


def _expected(year: int, district_ids: Iterable[int] | None) -> QuerySet[Enterprise]:
    end = date(year, 12, 31)
    qs = Enterprise.objects.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end)).filter(
        status=Enterprise.Status.ACTIVE
    )
    if district_ids is not None:
        qs = qs.filter(district_id__in=sorted(district_ids))
    filed = EnterpriseYear.objects.filter(enterprise_id=OuterRef("pk"), year=year).filter(
        Q(revenue__isnull=False) | Q(employees__isnull=False)
    )
    above_now = EnterpriseYear.objects.filter(enterprise_id=OuterRef("pk"), year=year, is_above_scale=True)
    has_now = EnterpriseYear.objects.filter(enterprise_id=OuterRef("pk"), year=year)
    above_prev = EnterpriseYear.objects.filter(
        enterprise_id=OuterRef("pk"), year=year - 1, is_above_scale=True
    )
    return qs.annotate(
        filed=Exists(filed),
        above_now=Exists(above_now),
        has_now=Exists(has_now),
        above_prev=Exists(above_prev),
    )


def completeness_table(*, year: int, district_ids: Iterable[int] | None = None) -> list[Completeness]:
    """Per district (and a first row for all of them together): expected, filed, above-scale figures
    and the ids of the enterprises to chase, above-scale first. One query."""
    names = dict(District.objects.values_list("pk", "name"))
    per: dict[int, Completeness] = {}
    total = Completeness(district_id=None, label="合计", year=year)
    expected: Any = _expected(year, district_ids).order_by("name")
    rows = expected.values_list("pk", "district_id", "filed", "above_now", "has_now", "above_prev")
    missing_above: dict[int | None, list[int]] = {}
    missing_other: dict[int | None, list[int]] = {}
    for pk, did, filed, above_now, has_now, above_prev in rows:
        c = per.get(did)
        if c is None:
            c = per[did] = Completeness(district_id=did, label=names.get(did, ""), year=year)
        above = above_now if has_now else above_prev
        for target in (c, total):
            target.expected += 1
            target.filed += int(filed)
            target.above_expected += int(above)
            target.above_filed += int(above and filed)
        if not filed:
            (missing_above if above else missing_other).setdefault(did, []).append(pk)
    for did, c in per.items():
        c.missing = missing_above.get(did, []) + missing_other.get(did, [])
    total.missing = [pk for did in sorted(per, key=lambda d: names.get(d, "")) for pk in per[did].missing]
    return [total, *sorted(per.values(), key=lambda c: c.label)]


def completeness_rate(*, year: int, district_ids: Iterable[int] | None = None) -> Decimal | None:
    """The share (%) of expected enterprises that filed `year`'s annual data, None when none expected.
    The one function other code (indicator pages, reports) calls for the "覆盖率" beside a figure."""
    return completeness_table(year=year, district_ids=district_ids)[0].rate


def completeness_for_user(*, user: Any, year: int) -> list[Completeness]:
    scope = user_scope(user)
    if scope.role not in ("city_admin", "district_admin", "data_manager"):
        raise ForbiddenError()
    return completeness_table(year=year, district_ids=None if scope.city_wide else scope.district_ids or ())


def reminders_for_user(*, user: Any) -> QuerySet[Reminder]:
    scope = user_scope(user)
    if not scope.is_enterprise or scope.enterprise_id is None:
        return Reminder.objects.none()
    return Reminder.objects.filter(enterprise_id=scope.enterprise_id)
