"""A bad plan file is refused with every problem named by field path and line, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenchuang.plan.models import Indicator, Plan
from wenchuang.plan.schema import PlanFileError
from wenchuang.plan.services import plan_load
from wenchuang.plan.tests.minimal import MINIMAL_PLAN, line_of, write
from wenchuang.registry.models import Platform

pytestmark = pytest.mark.django_db


def _refused(path: Path) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        plan_load(path=path)
    return caught.value.messages


def _assert_nothing_written() -> None:
    assert Plan.objects.count() == 0
    assert Indicator.objects.count() == 0
    assert Platform.objects.count() == 0


def test_the_minimal_plan_is_valid(reference: None, tmp_path: Path) -> None:
    result = plan_load(path=write(tmp_path, MINIMAL_PLAN))

    assert result.plan.code == "test-plan"
    assert result.counts["plan.Commitment"].created == 2


def test_it_rejects_a_missing_target(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('    target: {year: 2025, op: ">", value: 65}\n', "")

    messages = _refused(write(tmp_path, text))

    assert messages == [f"第{line_of(text, '- code: share')}行 indicators[1].target：缺少必填字段"]
    _assert_nothing_written()


def test_it_rejects_an_unknown_district(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('districts: ["330106", "330108"]', 'districts: ["330106", "330199"]')

    messages = _refused(write(tmp_path, text))

    line = line_of(text, "330199")
    assert messages == [
        f"第{line}行 spatial_units[0].districts[1]：区划代码 330199 不存在（请先载入行政区划参考数据）"
    ]
    _assert_nothing_written()


def test_it_rejects_a_duplicate_indicator_code(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("- code: share", "- code: value_added")

    messages = _refused(write(tmp_path, text))

    line = line_of(text, "seq: 2") - 1
    assert messages == [
        f"第{line}行 indicators[1].code：指标代码 value_added 重复（已在 indicators[0] 使用）"
    ]
    _assert_nothing_written()


def test_it_rejects_duplicate_unit_and_platform_names(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("  - {name: 测试街区乙, kind: street", "  - {name: 测试园区甲, kind: street")
    text = text.replace("platforms: [测试园区甲, 测试街区乙]", "platforms: [测试园区甲, 测试园区甲]")

    messages = _refused(write(tmp_path, text))

    assert any("platforms[1].name：平台名称 测试园区甲 重复" in m for m in messages)
    assert any("spatial_units[0].platforms[1]：平台 测试园区甲 在本单元中重复" in m for m in messages)
    _assert_nothing_written()


def test_it_rejects_a_wrong_type(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('op: ">", value: 65}', 'op: ">", value: "abc"}')

    messages = _refused(write(tmp_path, text))

    line = line_of(text, '"abc"')
    assert messages == [f"第{line}行 indicators[1].target.value：应为数字，实际为 “abc”"]
    _assert_nothing_written()


def test_it_rejects_a_target_that_is_not_a_mapping(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('    target: {year: 2025, op: ">", value: 65}', '    target: "abc"')

    messages = _refused(write(tmp_path, text))

    line = line_of(text, 'target: "abc"')
    assert messages == [f"第{line}行 indicators[1].target：应为键值映射"]


def test_it_rejects_a_bad_target_op(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('op: ">", value: 65', 'op: "=>", value: 65')

    messages = _refused(write(tmp_path, text))

    assert len(messages) == 1
    assert messages[0].startswith(f"第{line_of(text, '=>')}行 indicators[1].target.op：取值 “=>” 无效")


def test_it_explains_an_unquoted_tilde(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('op: "~", value: 500', "op: ~, value: 500")

    messages = _refused(write(tmp_path, text))

    assert len(messages) == 1
    assert "spatial_units[0].targets[0].op" in messages[0]
    assert '“左右”请写成 "~"' in messages[0]


def test_it_rejects_a_year_outside_the_plan_period(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('{year: 2025, op: ">=", value: 150}', '{year: 2030, op: ">=", value: 150}')

    messages = _refused(write(tmp_path, text))

    line = line_of(text, "year: 2030")
    assert messages == [f"第{line}行 indicators[0].target.year：年份 2030 不在规划期 2021—2025 内"]


def test_it_rejects_an_unknown_formula_kind_and_measure(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace(
        "formula: {kind: aggregate, measure: value_added", "formula: {kind: magic, measure: x"
    )

    messages = _refused(write(tmp_path, text))

    line = line_of(text, "kind: magic")
    assert len(messages) == 1
    assert messages[0].startswith(f"第{line}行 indicators[0].formula：未知公式类型 “magic”")

    text = MINIMAL_PLAN.replace("measure: value_added", "measure: profits")
    messages = _refused(write(tmp_path, text, "b.yaml"))
    assert len(messages) == 1
    assert messages[0].startswith(f"第{line}行 indicators[0].formula.measure：取值 “profits” 无效")


def test_it_rejects_an_unknown_filter_field(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace(
        "formula: {kind: aggregate, measure: value_added, scale: 0.0001}",
        "formula: {kind: count, model: platform, filter: {colour: red}}",
    )

    messages = _refused(write(tmp_path, text))

    assert len(messages) == 1
    assert "indicators[0].formula：筛选字段 colour 未知" in messages[0]


def test_it_rejects_a_repeated_yaml_key(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("    seq: 2\n", "    seq: 2\n    seq: 3\n")

    messages = _refused(write(tmp_path, text))

    assert messages == [f"第{line_of(text, 'seq: 3')}行 indicators[1].seq：字段重复出现"]


def test_it_reports_a_yaml_syntax_error_with_its_line(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("    name: 测试带\n", "    name: [测试带\n")

    messages = _refused(write(tmp_path, text))

    assert len(messages) == 1 and "YAML 语法错误" in messages[0]
    assert messages[0].startswith("第")


def test_it_reports_all_problems_at_once(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('    target: {year: 2025, op: ">", value: 65}\n', "")
    text = text.replace('"330108"', '"330199"')
    text = text.replace("- code: share", "- code: value_added")
    text = text.replace("value: 10, unit: 家", 'value: "十", unit: 家')

    messages = _refused(write(tmp_path, text))

    assert len(messages) == 4
    assert [m.split(" ", 1)[1].split("：")[0] for m in messages] == [
        "indicators[1].code",
        "indicators[1].target",
        "spatial_units[0].districts[1]",
        "facts[0].value",
    ]
    _assert_nothing_written()


def test_a_bad_reload_leaves_the_loaded_plan_untouched(reference: None, tmp_path: Path) -> None:
    plan_load(path=write(tmp_path, MINIMAL_PLAN))
    before = list(Indicator.objects.order_by("pk").values_list())
    text = MINIMAL_PLAN.replace("value: 150", "value: 175").replace('"330108"', '"330199"')

    _refused(write(tmp_path, text, "bad.yaml"))

    assert list(Indicator.objects.order_by("pk").values_list()) == before


def test_it_needs_districts_loaded(db: None, tmp_path: Path) -> None:
    messages = _refused(write(tmp_path, MINIMAL_PLAN))

    assert all("区划代码" in m and "不存在" in m for m in messages)
    _assert_nothing_written()


def test_it_rejects_a_reference_to_an_unknown_indicator_or_to_itself(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace(
        "formula: {kind: aggregate, measure: value_added, scale: 0.0001}",
        "formula: {kind: series, indicator: value_addd}",
    )
    messages = _refused(write(tmp_path, text))
    assert len(messages) == 1
    assert "indicators[0].formula.indicator：引用的指标 value_addd 未在 indicators 中定义" in messages[0]

    text = MINIMAL_PLAN.replace(
        "formula: {kind: aggregate, measure: value_added, scale: 0.0001}",
        "formula: {kind: series, indicator: value_added}",
    )
    messages = _refused(write(tmp_path, text, "b.yaml"))
    assert len(messages) == 1 and "不能引用自身" in messages[0]
    _assert_nothing_written()


def test_a_ratio_may_divide_another_indicators_chosen_value(reference: None, tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace(
        "formula: {kind: aggregate, measure: value_added, scale: 0.0001}",
        "formula: {kind: aggregate, measure: value_added, scale: 0.0001}\n"
        '  - code: va_gdp\n    seq: 9\n    name: 占GDP比重\n    unit: "%"\n'
        '    target: {year: 2025, op: ">", value: 16}\n'
        "    formula: {kind: ratio, numerator: {indicator: value_added},\n"
        "              denominator: {official: gdp}, scale: 100}",
    )
    result = plan_load(path=write(tmp_path, text))
    formula = Indicator.objects.get(plan=result.plan, code="va_gdp").formula
    assert formula["numerator"] == {"indicator": "value_added", "filter": {}}
