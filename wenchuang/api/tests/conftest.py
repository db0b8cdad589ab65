from __future__ import annotations

from pathlib import Path

import pytest

from wenchuang.plan.services import plan_load
from wenchuang.stats import services as stats_services
from wenchuang.stats.tests import factories as f

PLAN = "hangzhou-14th-culture"


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def world(reference, settings):
    """The default plan, a few enterprises in 西湖区 and 滨江区 with 2020 and 2021 data, the rollup and
    the stored indicator values."""
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    digital, plain = f.digital_code(), f.plain_code()
    for i in range(4):
        firm = f.enterprise(district_code="330106", culture_code=plain)
        for y in (2020, 2021):
            f.year(
                firm, y, revenue=1000 * (i + 1) + y % 10, components=(100, 20, 30, 50), is_above_scale=i < 3
            )
    for i in range(2):
        firm = f.enterprise(district_code="330108", culture_code=digital)
        f.year(firm, 2021, revenue=500 * (i + 1))
    stats_services.rollup_refresh()
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[2020, 2021])
    return PLAN


@pytest.fixture
def publish(city_admin, django_capture_on_commit_callbacks):
    """Publish the working figures as the city office, with the background job that freezes the
    public breakdowns run at commit (immediate task backend)."""

    def run(reason: str = ""):
        with django_capture_on_commit_callbacks(execute=True):
            return stats_services.publication_publish(user=city_admin, plan_code=PLAN, reason=reason)

    return run


@pytest.fixture
def published(world, publish):
    """`world` published as version 1."""
    return publish()
