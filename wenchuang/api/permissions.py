"""Who may call which API operation (DRF permission classes). Scoping of the objects themselves is
the selectors' job; these only decide whether a role may use an operation at all."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from wenchuang.core.scope import ENTERPRISE, STATISTICS_ROLES, role_of
from wenchuang.ingest.selectors import IMPORT_ROLES

# Roles that see enterprise micro data (each within its scope, see core.scope).
ENTERPRISE_ROLES = (*sorted(STATISTICS_ROLES), ENTERPRISE)


class _HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = "当前角色无权使用该接口"

    def has_permission(self, request: Any, view: Any) -> bool:
        return role_of(request.user) in self.roles


class ReadsEnterprises(_HasRole):
    roles = ENTERPRISE_ROLES


class Imports(_HasRole):
    roles = IMPORT_ROLES
