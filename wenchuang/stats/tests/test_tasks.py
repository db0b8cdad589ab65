"""The background recompute: an import enqueues it on commit; the task rebuilds everything derived."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django_tasks import TaskResultStatus

from wenchuang.plan.services import plan_load
from wenchuang.stats import services
from wenchuang.stats.models import FactCell, IndicatorSnapshot, RollupYear
from wenchuang.stats.tasks import stats_recompute_task
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def micro() -> None:
    f.load_reference()
    plan_load(path=Path(settings.DATA_DIR) / "plans" / "hangzhou-14th-culture.yaml")
    firm = f.enterprise(culture_code=f.plain_code())
    f.year(firm, 2020, revenue=100, components=(10, 2, 3, 5))
    f.year(firm, 2021, revenue=120, components=(12, 2, 3, 6))


@override_settings(TASKS=IMMEDIATE)
def test_the_task_rebuilds_the_rollup_and_the_stored_indicators(micro: None) -> None:
    result = stats_recompute_task.enqueue(years=[2021])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["years"] == [2021]
    assert list(RollupYear.objects.values_list("year", flat=True)) == [2021]
    assert FactCell.objects.filter(year=2021).exists()
    assert IndicatorSnapshot.objects.filter(year=2021, spatial_unit_code="").exists()


@override_settings(TASKS=IMMEDIATE)
def test_an_import_enqueues_it_only_when_it_commits(
    micro: None, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        with transaction.atomic():
            services.stats_recompute_enqueue(years=[2020, 2021, 2020])
            assert not RollupYear.objects.exists()  # nothing runs before the commit
    assert len(callbacks) == 1
    assert sorted(RollupYear.objects.values_list("year", flat=True)) == [2020, 2021]
