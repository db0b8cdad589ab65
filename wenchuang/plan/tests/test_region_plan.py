"""A plan scoped to a region: a county's plan file loads beside the city's, keyed by its own code; the
region defaults to the deployment's city; a region code that is not a loaded division is refused, in
Chinese, and nothing is written."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from wenchuang.plan.models import Plan, RegionLevel
from wenchuang.plan.schema import PlanFileError
from wenchuang.plan.services import plan_load
from wenchuang.plan.tests.minimal import MINIMAL_PLAN, line_of, write

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.DATA_DIR) / "plans" / "xihu-14th-culture-sample.yaml"


def test_the_sample_district_plan_loads_as_a_county_plan_beside_the_city_plan(
    reference: None, plan_file: Path
) -> None:
    plan_load(path=plan_file)
    out = StringIO()
    call_command("plan", "load", str(SAMPLE), stdout=out)
    assert "xihu-14th-culture-sample" in out.getvalue()

    xihu = Plan.objects.get(code="xihu-14th-culture-sample")
    assert (xihu.region_code, xihu.region_level) == ("330106", RegionLevel.COUNTY)
    assert xihu.is_county_plan and xihu.city_code == "330100"
    # The file says what it is: an illustrative sample, not an official document.
    assert "示例" in xihu.name and "示例" in xihu.description and "非官方" in xihu.source_title
    # Its indicators are its own (the district's names and targets), beside the city's.
    names = list(xihu.indicators.values_list("name", flat=True))
    assert names and all(n.startswith("西湖区") for n in names)
    city = Plan.objects.get(code="hangzhou-14th-culture")
    assert (city.region_code, city.region_level) == ("330100", RegionLevel.CITY)
    assert (
        city.indicators.get(code="value_added").target_value
        != xihu.indicators.get(code="value_added").target_value
    )

    # Reloading the unchanged file changes nothing.
    assert not plan_load(path=SAMPLE).changed


def test_the_region_defaults_to_the_deployments_city_and_city_code_still_reads(
    reference: None, tmp_path: Path, settings: object
) -> None:
    without = MINIMAL_PLAN.replace('  region: "330100"\n', "")
    assert plan_load(path=write(tmp_path, without)).plan.region_code == "330100"
    older = MINIMAL_PLAN.replace('  region: "330100"', '  city_code: "330100"')
    assert plan_load(path=write(tmp_path, older, "older.yaml")).plan.region_level == RegionLevel.CITY


@pytest.mark.parametrize("code", ["330199", "999900", "120000"])
def test_a_region_code_that_is_no_loaded_division_is_refused_in_chinese(
    reference: None, tmp_path: Path, code: str
) -> None:
    text = MINIMAL_PLAN.replace('region: "330100"', f'region: "{code}"')
    with pytest.raises(PlanFileError) as caught:
        plan_load(path=write(tmp_path, text))
    [message] = caught.value.messages
    assert message.startswith(f"第{line_of(text, 'region:')}行 plan.region：规划区划代码 {code} 不存在")
    assert Plan.objects.count() == 0


def test_a_malformed_region_or_both_spellings_are_refused(reference: None, tmp_path: Path) -> None:
    bad = MINIMAL_PLAN.replace('region: "330100"', 'region: "3301"')
    with pytest.raises(PlanFileError) as caught:
        plan_load(path=write(tmp_path, bad))
    assert any("plan.region：格式不正确" in m for m in caught.value.messages)
    both = MINIMAL_PLAN.replace('  region: "330100"\n', '  region: "330100"\n  city_code: "330100"\n')
    with pytest.raises(PlanFileError) as caught:
        plan_load(path=write(tmp_path, both, "both.yaml"))
    assert any("region 与 city_code（旧写法）只能填一个" in m for m in caught.value.messages)
    assert Plan.objects.count() == 0
