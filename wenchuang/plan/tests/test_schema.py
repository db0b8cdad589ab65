"""The file format without a database: parsing, line mapping and checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenchuang.plan.schema import PlanFileError, format_path, plan_file_parse
from wenchuang.plan.tests.minimal import MINIMAL_PLAN, line_of, write

DISTRICTS = {"330102", "330105", "330106", "330108"}


def _messages(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        plan_file_parse(path=write(tmp_path, text), known_districts=DISTRICTS)
    return caught.value.messages


def test_it_parses_the_minimal_plan(tmp_path: Path) -> None:
    parsed = plan_file_parse(path=write(tmp_path, MINIMAL_PLAN), known_districts=DISTRICTS)

    assert parsed.document.plan.code == "test-plan"
    assert parsed.document.indicators[1].target.op == ">"
    assert len(parsed.sha256) == 64


def test_format_path_reads_like_the_file() -> None:
    assert format_path(("indicators", 2, "target", "value")) == "indicators[2].target.value"
    assert format_path(()) == ""


def test_a_vision_target_must_lie_after_the_period(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("    seq: 2\n", "    seq: 2\n    category: vision\n")

    messages = _messages(tmp_path, text)

    line = line_of(text, 'op: ">"')
    assert messages == [f"第{line}行 indicators[1].target.year：远景目标需要在 plan.vision_year 中给出远景年"]


def test_a_commitment_target_needs_its_op(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace('        target_op: "~"\n', "")

    messages = _messages(tmp_path, text)

    assert len(messages) == 1
    assert "programmes[0].commitments[0]：target_value 与 target_op 须同时填写或同时省略" in messages[0]


def test_a_unit_may_not_name_an_undefined_platform(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace(
        "platforms: [测试园区甲, 测试街区乙]", "platforms: [测试园区甲, 不存在的园区]"
    )

    messages = _messages(tmp_path, text)

    line = line_of(text, "不存在的园区")
    assert messages == [f"第{line}行 spatial_units[0].platforms[1]：平台 不存在的园区 未在 platforms 中定义"]


def test_a_quoted_number_is_refused(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("value: 150}", 'value: "150"}')

    messages = _messages(tmp_path, text)

    line = line_of(text, '"150"')
    assert messages == [f"第{line}行 indicators[0].target.value：应为数字，实际为 “150”"]


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.replace("    unit: 亿元\n", "    unit: 亿元\n    unti: 亿元\n", 1)

    messages = _messages(tmp_path, text)

    assert messages == [f"第{line_of(text, 'unti')}行 indicators[0].unti：未知字段（拼写错误？）"]


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    assert _messages(tmp_path, "- a\n- b\n") == ["第1行：文件应为 YAML 键值映射（以 format: 开头）"]
