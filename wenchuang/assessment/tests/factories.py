from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wenchuang.assessment.models import Method, Milestone, Task, Unit
from wenchuang.plan.models import Commitment, Plan, Programme
from wenchuang.registry.models import District

RULES = {
    "default_weight": 10,
    "weights": {"platforms": 20},
    "overdue_deduction": 2,
    "late_deduction": 1,
    "bonus_cap": 5,
    "deduction_cap": 20,
}


def make_commitment(code: str = "c1", programme: str = "platforms") -> Commitment:
    plan, _ = Plan.objects.get_or_create(
        code="test-plan",
        defaults={
            "name": "测试规划",
            "region_code": "330100",
            "region_level": "city",
            "start_year": 2021,
            "end_year": 2025,
            "base_year": 2020,
            "source_title": "t",
            "file_name": "t.yaml",
            "file_sha256": "0" * 64,
            "loaded_at": date(2021, 1, 1),
        },
    )
    prog, _ = Programme.objects.get_or_create(
        plan=plan, code=programme, defaults={"seq": 1, "name": "文化平台建设工程"}
    )
    return Commitment.objects.create(
        programme=prog, code=code, seq=Commitment.objects.count() + 1, text=f"任务{code}"
    )


def district_unit(code: str = "330106") -> Unit:
    d = District.objects.get(code=code)
    return Unit.objects.get_or_create(
        code=f"gov-{code}", defaults={"name": f"{d.name}人民政府", "kind": "district", "district": d}
    )[0]


def make_milestone(
    *, unit: Unit, code: str, measure: str = "yesno", target: Any = None, year: int = 2023, **kw: Any
) -> Milestone:
    task = Task.objects.create(
        commitment=make_commitment(code, kw.pop("programme", "platforms")),
        unit=unit,
        code=code,
        measure=measure,
    )
    return Milestone.objects.create(
        task=task,
        year=year,
        text="年度目标",
        target_value=Decimal(target) if target is not None else None,
        due=kw.get("due", date(year, 12, 31)),
    )


def make_method(**rules: Any) -> Method:
    return Method.objects.create(
        code="annual",
        version=Method.objects.count() + 1,
        name="年度考核办法",
        applies_from=2021,
        published_on=date(2021, 1, 1),
        rules={**RULES, **rules},
    )
