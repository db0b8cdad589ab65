"""Whose data an import may touch. The 统计员 and the city office of the deployment import for the
whole deployment; a 区县管理员 — and, in a province deployment, a city's office bound to its city —
imports for the districts its `core.scope.Scope` holds, and rows about other districts are rejected
with a reason naming the user's own districts."""

from __future__ import annotations

from typing import Any

from wenchuang.core.scope import STATISTICS_ROLES, Scope, user_scope


def import_scope(user: Any) -> Scope | None:
    """None for an import over the whole deployment (CLI, benchmark, an unbound city office); otherwise
    the user's scope (a 区县管理员, an office bound to a region below the deployment's)."""
    if user is None or getattr(user, "role", None) not in STATISTICS_ROLES:
        return None
    scope = user_scope(user)
    return None if scope.city_wide else scope
