from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenchuang.plan.selectors import (
    plan_default,
    plan_export,
    plan_get,
    plan_list,
    plan_main_indicators,
    plan_spatial_units,
)
from wenchuang.plan.services import plan_load
from wenchuang.plan.tests.minimal import MINIMAL_PLAN, write

pytestmark = pytest.mark.django_db


def test_plan_default_follows_the_setting(reference: None, plan_file: Path, settings) -> None:  # type: ignore[no-untyped-def]
    assert plan_default() is None
    plan_load(path=plan_file)

    assert plan_default() == plan_get(code="hangzhou-14th-culture")
    settings.WENCHUANG_DEFAULT_PLAN = "nope"
    assert plan_default() is None


def test_main_indicators_come_in_table_order_with_the_home_page_attributes(
    reference: None, plan_file: Path
) -> None:
    plan = plan_load(path=plan_file).plan

    indicators = plan_main_indicators(plan=plan)

    assert [i.seq for i in indicators] == list(range(1, 9))
    third = indicators[2]
    assert (third.name, third.unit, third.base_year, third.target_year, third.target_op) == (
        "全市规上数字文化企业营业收入占规上文化企业营业收入比重",
        "%",
        2020,
        2025,
        ">",
    )
    assert (third.base_value, third.target_value, third.target_display) == (60, 65, ">65")


def test_several_plans_live_side_by_side(reference: None, plan_file: Path, tmp_path: Path) -> None:
    plan_load(path=plan_file)
    plan_load(path=write(tmp_path, MINIMAL_PLAN))

    assert [(p.code, p.indicator_count) for p in plan_list()] == [
        ("hangzhou-14th-culture", 11),
        ("test-plan", 2),
    ]
    # Reloading one plan does not touch the other.
    again = plan_load(path=plan_file)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert len(plan_main_indicators(plan=plan_get(code="test-plan"))) == 2  # type: ignore[arg-type]


def test_spatial_units_and_export_do_not_query_per_row(reference: None, plan_file: Path) -> None:
    plan = plan_load(path=plan_file).plan

    with CaptureQueriesContext(connection) as queries:
        units = plan_spatial_units(plan=plan)
        [link.platform.name for unit in units for link in unit.platform_links.all()]
        [d.code for unit in units for d in unit.districts.all()]
    assert len(queries) == 4
    assert [u.kind for u in units][:3] == ["belt", "belt", "corridor"]

    with CaptureQueriesContext(connection) as queries:
        plan_export(plan=plan)
    assert len(queries) <= 10
