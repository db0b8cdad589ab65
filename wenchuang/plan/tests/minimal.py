"""A small valid plan file, and helpers to break it one way at a time."""

from __future__ import annotations

from pathlib import Path

MINIMAL_PLAN = """\
format: wenchuang-plan/1
plan:
  code: test-plan
  name: 测试规划
  region: "330100"
  start_year: 2021
  end_year: 2025
  base_year: 2020
  source:
    title: 测试规划文本
indicators:
  - code: value_added
    seq: 1
    name: 增加值
    unit: 亿元
    base: {year: 2020, value: 100}
    target: {year: 2025, op: ">=", value: 150}
    formula: {kind: aggregate, measure: value_added, scale: 0.0001}
  - code: share
    seq: 2
    name: 比重
    unit: "%"
    base: {year: 2020, value: 60}
    target: {year: 2025, op: ">", value: 65}
platforms:
  - {name: 测试园区甲, kind: park}
  - {name: 测试街区乙, kind: street, district: "330105"}
spatial_units:
  - code: belt-a
    kind: belt
    seq: 1
    name: 测试带
    districts: ["330106", "330108"]
    platforms: [测试园区甲, 测试街区乙]
    targets:
      - {measure: total_output, year: 2025, op: "~", value: 500, unit: 亿元}
programmes:
  - code: prog
    seq: 1
    name: 测试工程
    commitments:
      - code: new_listed
        seq: 1
        text: 新培育上市企业
        metric: new_listed
        target_op: "~"
        target_value: 5
        unit: 家
      - {code: rules, seq: 2, text: 修订管理办法}
facts:
  - {code: firms, seq: 1, name: 规上企业, year: 2020, value: 10, unit: 家, quote: 规上企业10家}
"""


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment` (so tests do not hard-code numbers)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
