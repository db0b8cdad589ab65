"""What a user may see: the one answer every selector of every app asks.

`user_scope(user)` returns a `Scope`: the whole deployment region for the 市级管理员 (the office of
the deployment's level: a city's, or a province's in a province deployment) and the 统计员; the
counties of their bound region for those two roles when the account is bound to a region below the
deployment's (a city office in a province deployment sees its city's counties); the bound districts
for a 区县管理员; the own enterprise for an 企业用户; nothing for everyone else (金融机构, the public, the
three administrators — they see published aggregates only, served without a scope).

It lives in `core` and reads the user object by its attributes (`role`, `districts`, `region_code`,
`region_districts()`, `enterprise_id`) so that registry, stats, ingest and the service apps can all
call it without importing `accounts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q

CITY_ADMIN = "city_admin"
DISTRICT_ADMIN = "district_admin"
DATA_MANAGER = "data_manager"
ENTERPRISE = "enterprise"
FINANCE = "finance"
# Roles that see city-wide micro data (all districts).
CITY_WIDE_ROLES: frozenset[str] = frozenset({CITY_ADMIN, DATA_MANAGER})
# Roles that work with statistics (the city-wide roles and the district offices).
STATISTICS_ROLES: frozenset[str] = CITY_WIDE_ROLES | {DISTRICT_ADMIN}

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    role: str | None
    # None: every district (city-wide); otherwise the district ids (possibly none).
    district_ids: frozenset[int] | None
    enterprise_id: int | None = None
    district_names: str = ""  # e.g. "西湖区、滨江区" or "宁波市", for messages
    region_code: str = ""  # the bound region of an office below the deployment's level

    @property
    def city_wide(self) -> bool:
        """The whole deployment region (a city's, a province's): no district restriction."""
        return self.district_ids is None

    @property
    def is_enterprise(self) -> bool:
        return self.role == ENTERPRISE

    def sees_micro_data(self) -> bool:
        return self.role in STATISTICS_ROLES or (self.is_enterprise and self.enterprise_id is not None)

    def covers_district(self, district_id: int | None) -> bool:
        if self.role not in STATISTICS_ROLES:
            return False
        return self.district_ids is None or district_id in self.district_ids

    def filter(self, *, district_field: str | None, enterprise_field: str | None = None) -> Q | None:
        """A filter for a queryset: None means everything, a Q that matches nothing means nothing.

        `district_field` is the lookup path to the row's district id (e.g. "enterprise__district");
        `enterprise_field` the path to its enterprise id, for the enterprise user's own rows."""
        if self.role in CITY_WIDE_ROLES and self.district_ids is None:
            return None
        if self.role in STATISTICS_ROLES and district_field is not None:
            return Q(**{f"{district_field}__in": sorted(self.district_ids or ())})
        if self.is_enterprise and enterprise_field is not None and self.enterprise_id:
            return Q(**{enterprise_field: self.enterprise_id})
        return _NOTHING

    def apply(self, qs: Any, *, district_field: str | None, enterprise_field: str | None = None) -> Any:
        q = self.filter(district_field=district_field, enterprise_field=enterprise_field)
        return qs if q is None else qs.filter(q)

    def outside(self, what: str = "该对象") -> str:
        """A Chinese message naming the user's own districts."""
        return f"{what}不在您的管辖范围（{self.district_names or '未绑定区县'}）内"


NO_SCOPE = Scope(role=None, district_ids=frozenset())


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    return getattr(user, "role", None)


def user_scope(user: Any) -> Scope:
    """The user's scope, computed once per user object (a request's user lives for one request)."""
    cached = getattr(user, "_wenchuang_scope", None)
    if cached is not None:
        return cached
    role = role_of(user)
    if role is None:
        scope = NO_SCOPE
    elif role in CITY_WIDE_ROLES:
        region = getattr(user, "region_code", "") or ""
        if region and region != settings.WENCHUANG_REGION_CODE:
            ids = user.region_districts().values_list("pk", flat=True)
            scope = Scope(
                role=role,
                district_ids=frozenset(ids),
                district_names=getattr(user, "region_name", "") or region,
                region_code=region,
            )
        else:
            scope = Scope(role=role, district_ids=None)
    elif role == DISTRICT_ADMIN:
        rows: Iterable[tuple[int, str]] = user.districts.order_by("code").values_list("pk", "name")
        rows = list(rows)
        scope = Scope(
            role=role,
            district_ids=frozenset(pk for pk, _ in rows),
            district_names="、".join(name for _, name in rows),
        )
    elif role == ENTERPRISE:
        scope = Scope(role=role, district_ids=frozenset(), enterprise_id=getattr(user, "enterprise_id", None))
    else:
        scope = Scope(role=role, district_ids=frozenset())
    try:
        user._wenchuang_scope = scope
    except AttributeError:  # e.g. AnonymousUser is a plain object too, but be safe with slotted objects
        pass
    return scope
