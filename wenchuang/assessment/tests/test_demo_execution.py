"""The plan-execution demo: deterministic, marked 示例, consistent, and with figures in a realistic range."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings

from wenchuang.approval.models import DistrictYear, State
from wenchuang.assessment.models import Report, Task, Unit
from wenchuang.assessment.selectors import task_score_summary
from wenchuang.demo.generate import demo_generate
from wenchuang.plan.selectors import plan_default
from wenchuang.plan.services import plan_load
from wenchuang.projects.models import Project, Status
from wenchuang.projects.selectors import rate_series

pytestmark = pytest.mark.django_db


def _execution_demo() -> None:
    for app in ("approval", "projects", "assessment"):  # the order `wenchuang demo` runs them in
        import_module(f"wenchuang.{app}.demo_data").demo_extend(seed=20201231)


def test_the_demo_is_realistic_consistent_and_repeatable(reference):
    plan_load(path=Path(settings.DATA_DIR) / "plans" / "hangzhou-14th-culture.yaml")
    demo_generate(enterprises=2000)
    _execution_demo()
    first = list(Project.objects.order_by("code").values_list("code", "name", "status", "actual_start"))
    assert len(first) == 160 and all("示例" in name for _, name, _, _ in first)
    for p in Project.objects.prefetch_related("events"):
        events = list(p.events.all())
        assert events[-1].target == p.status  # the last event leads to the current state
        assert (p.actual_start is not None) == (
            p.status in (Status.STARTED, Status.COMPLETED) or any(e.transition == "start" for e in events)
        )
    values = [r["value"] for r in rate_series(plan=plan_default()) if r["value"] is not None]
    assert values and all(60 <= v <= 100 for v in values)
    assert sum(values) / len(values) > 80
    assert Task.objects.filter(is_demo=True).count() > 50 and Report.objects.filter(state="returned").exists()
    scores = task_score_summary(year=2024)
    assert len(scores) == Unit.objects.count() and all("示例" in s["unit"] for s in scores)
    assert DistrictYear.objects.filter(state=State.APPROVED, year=2021).count() == 13
    _execution_demo()  # again: the same rows, nothing doubled
    assert (
        list(Project.objects.order_by("code").values_list("code", "name", "status", "actual_start")) == first
    )
    assert DistrictYear.objects.filter(year=2021).count() == 13
