"""Who may call which API operation (DRF permission classes). Scoping of the objects themselves is
the selectors' job; these only decide whether a role may use an operation at all."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from wenchuang.ingest.selectors import IMPORT_ROLES

# Roles that see enterprise micro data (each within its scope, see registry.selectors).
ENTERPRISE_ROLES = ("city_admin", "district_admin", "data_manager", "enterprise")
CITY_WIDE_ROLES = ("city_admin", "data_manager")


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


class _HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = "当前角色无权使用该接口"

    def has_permission(self, request: Any, view: Any) -> bool:
        return role_of(request.user) in self.roles


class ReadsEnterprises(_HasRole):
    roles = ENTERPRISE_ROLES


class Imports(_HasRole):
    roles = IMPORT_ROLES
