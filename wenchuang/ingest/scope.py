"""Whose data an import may touch. The 统计员 and the city office import for the whole city; a
区县管理员 imports for the districts the account is bound to, and rows about other districts are
rejected with a reason naming the user's own districts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CITY_WIDE_ROLES = ("data_manager", "city_admin")


@dataclass(frozen=True)
class ImportScope:
    district_ids: frozenset[int]
    names: str  # the user's districts, e.g. "西湖区" or "西湖区、滨江区"

    def outside_code(self, code: str) -> str:
        return f"区划代码{code}不在您的管辖范围（{self.names or '未绑定区县'}）内"

    def outside_address(self) -> str:
        return f"注册地址所在区县不在您的管辖范围（{self.names or '未绑定区县'}）内"

    def outside_enterprise(self) -> str:
        return f"该企业所在区县不在您的管辖范围（{self.names or '未绑定区县'}）内"


def import_scope(user: Any) -> ImportScope | None:
    """None for a city-wide import (CLI, benchmark, the city office); the districts of a 区县管理员."""
    if user is None or getattr(user, "role", None) != "district_admin":
        return None
    from wenchuang.registry.selectors import district_list_for_user

    rows = list(district_list_for_user(user=user).order_by("code").values_list("pk", "name"))
    return ImportScope(frozenset(pk for pk, _ in rows), "、".join(name for _, name in rows))
