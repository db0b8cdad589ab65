"""Whose data an import may touch. The 统计员 and the city office import for the whole city; a
区县管理员 imports for the districts the account is bound to (its `core.scope.Scope`), and rows about
other districts are rejected with a reason naming the user's own districts."""

from __future__ import annotations

from typing import Any

from wenchuang.core.scope import DISTRICT_ADMIN, Scope, user_scope


def import_scope(user: Any) -> Scope | None:
    """None for a city-wide import (CLI, benchmark, the city office); the scope of a 区县管理员."""
    if user is None or getattr(user, "role", None) != DISTRICT_ADMIN:
        return None
    return user_scope(user)
