from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wenchuang.classify.models import CultureCategory
from wenchuang.projects.models import Project, Status
from wenchuang.registry.models import District

_n = 0


def make_project(*, district: District | None = None, **kw: Any) -> Project:
    """A project built directly in a given state (for read tests; write tests go through the services)."""
    global _n
    _n += 1
    values: dict[str, Any] = {
        "code": f"XMTEST-{_n:05d}",
        "name": f"测试项目{_n}",
        "district": district or District.objects.get(code="330106"),
        "category": CultureCategory.objects.filter(level=1).order_by("code").first(),
        "planned_investment": Decimal("1000"),
        "planned_start": date(2023, 3, 1),
        "planned_completion": date(2024, 12, 1),
        "status": Status.RESERVE,
        "accepted_on": date(2022, 12, 1),
    }
    values.update(kw)
    return Project.objects.create(**values)
