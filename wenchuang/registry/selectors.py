"""Reads of the registry, scoped to what the asking user's role may see.

Every web view, API endpoint, export and report gets registry objects through these functions; a bare
`Model.objects.get(pk=…)` in a view is a bug. Scope by role:

- 市级管理员, 统计员: the whole city.
- 区县管理员: the districts the account is bound to.
- 企业用户: its own enterprise (and that enterprise's talents and annual data).
- 金融机构, 公众 (anonymous or registered), the three administrators: no enterprise micro data; published
  reference data (districts, platforms, export bases) only.

A single-object fetch that is out of scope raises `ObjectNotAccessible` — the same exception, with the
same message, as for an object that does not exist, so a denial never reveals existence elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wenchuang.core.scope import user_scope
from wenchuang.registry.models import District, Enterprise, Platform, Talent


class ObjectNotAccessible(PermissionDenied):
    """The object does not exist or is outside the user's scope. Views answer 403 either way."""

    def __init__(self, message: str = "无权访问该对象或对象不存在") -> None:
        super().__init__(message)


def demo_data_present() -> bool:
    return Enterprise.objects.filter(is_demo=True).exists() or Platform.objects.filter(is_demo=True).exists()


def _scope(user: Any, *, district_field: str, enterprise_field: str | None) -> Q | None:
    """A filter for the user's scope; None means everything, a Q matching nothing means nothing."""
    return user_scope(user).filter(district_field=district_field, enterprise_field=enterprise_field)


def _apply(qs: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return qs if scope is None else qs.filter(scope)


def district_list_for_user(*, user: Any) -> QuerySet[District]:
    """The districts whose micro data the user may see (the reference list itself is public)."""
    scope = user_scope(user)
    qs = District.objects.all()
    if scope.city_wide:
        return qs
    if scope.district_ids:
        return qs.filter(pk__in=sorted(scope.district_ids))
    if scope.is_enterprise and scope.enterprise_id:
        return qs.filter(enterprises__pk=scope.enterprise_id)
    return qs.none()


def enterprise_list_for_user(*, user: Any) -> QuerySet[Enterprise]:
    return _apply(
        Enterprise.objects.select_related("district"),
        _scope(user, district_field="district", enterprise_field="pk"),
    )


def enterprise_get_for_user(*, user: Any, uscc_or_pk: str | int) -> Enterprise:
    value = str(uscc_or_pk).strip().upper()
    lookup = Q(pk=int(value)) if value.isdigit() and len(value) < 18 else Q(uscc=value)
    try:
        return enterprise_list_for_user(user=user).get(lookup)
    except Enterprise.DoesNotExist as exc:
        raise ObjectNotAccessible() from exc


def talent_list_for_user(*, user: Any) -> QuerySet[Talent]:
    return _apply(
        Talent.objects.all(), _scope(user, district_field="district", enterprise_field="enterprise")
    )


def platform_list_for_user(*, user: Any) -> QuerySet[Platform]:
    """Parks, bases and platforms are the published spatial layout: everyone sees them."""
    return Platform.objects.select_related("district")
