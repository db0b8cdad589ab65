"""`stats reconcile` checks the stored indicator values against the rollup too: a recompute
interrupted after the rollup refresh (before the values) no longer passes as 核对通过."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wenchuang.plan.services import plan_load
from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db
PLAN = "hangzhou-14th-culture"


@pytest.fixture
def world(reference):
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    for i in range(4):
        firm = f.enterprise(district_code="330106", culture_code=f.plain_code())
        f.year(firm, 2021, revenue=1000 * (i + 1), components=(100, 20, 30, 50))
    services.stats_recompute()


def _reconcile():
    out = StringIO()
    call_command("stats", "reconcile", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_an_interrupted_recompute_is_caught_by_reconcile(world):
    assert _reconcile()["ok"] is True
    # The micro data change, the rollup is refreshed, and the worker dies before the indicator values.
    EnterpriseYear.objects.filter(year=2021).update(revenue=9999, labor_compensation=900)
    services.rollup_refresh(years=[2021])
    assert services.rollup_reconcile().ok  # the cells alone agree…
    with pytest.raises(CommandError, match="指标值与汇总表不一致"):
        _reconcile()  # …but the stored values are stale
    services.stats_recompute(years=[2021])
    assert _reconcile()["ok"] is True and _reconcile()["indicator_value_mismatches"] == 0
