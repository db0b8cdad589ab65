# ruff: noqa: E501 - the platform table cells below are pasted verbatim, one cell per line.
"""The Hangzhou 14th plan file loads, round-trips through `plan show --json`, and reloads as a no-op."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wenchuang.plan.models import (
    Commitment,
    Indicator,
    IndustryFocus,
    Plan,
    PlanFact,
    Programme,
    SpatialUnit,
    SpatialUnitDistrict,
    SpatialUnitPlatform,
    SpatialUnitTarget,
)
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import Platform

pytestmark = pytest.mark.django_db

# The main-indicator table of section 三, copied independently of the plan file:
# (seq, code, name, unit, 2020 actual, 2025 target op, 2025 target).
MAIN_TABLE = [
    (1, "value_added", "全市文化产业增加值", "亿元", 2285, ">=", 3000),
    (2, "total_output", "全市文化产业总产出", "亿元", 8001, ">=", 10000),
    (3, "digital_share", "全市规上数字文化企业营业收入占规上文化企业营业收入比重", "%", 60, ">", 65),
    (4, "platforms", "国家及省、市级文化产业园区（街区）、企业总部平台", "个", 108, ">=", 200),
    (5, "listed_leading", "上市文化企业、文化领军企业", "家", 48, ">=", 100),
    (6, "talents", "文化名人、文化领军人才及顶尖专业人才", "人", 89, ">=", 120),
    (7, "employment", "文化产业带动就业人数", "万人", 21, ">=", 30),
    (8, "export_items", "国家文化出口基地、国家文化出口重点企业和重点项目", "个", 49, ">=", 80),
]

# The two key-platform tables of section 五, cells pasted verbatim (trailing 等 included, dropped below).
PLATFORM_TABLES = {
    "之江影视演艺产业走廊": "中国演艺谷、中国（之江）视听创新创业基地、运河映巷、国家（杭州）短视频基地、凤凰山南影视基地、浙江电影学院、横店之江影视创新中心、M+短视频内容传播平台、凌迪数字时尚产业基地等",
    "之江动漫游戏产业走廊": "网易产业园、电魂网络游戏软件生产基地、畅唐网络游戏研发基地、杭州中国动漫博物馆、中南数字文化谷、杭州高新区（滨江）直播电商产业基地、杭州华业高科技产业园等",
    "运河沿岸创意设计产业走廊": "大运河国家文化公园、杭州运河文化艺术中心、杭州创意设计中心、乐富智汇园、聚落5号创意园、东溪德必易园、泰豪德必易园、天堂E谷创意产业园、浙报理想文创产业园、杭州经纬天地创意产业园、小河直街历史文化街区、新天地文化创意街区、亚运会电竞场馆等",
    "城西文化科技创新产业走廊": "遥望直播电商产业园、梦想小镇、哔哩哔哩电竞总部、杭师大科技园、利尔达物联网科技园、未来研创园、青山湖科技城、临安大学生创业园、河桥古镇国漫数字化项目、8300文化体验中心等",
    "“两江一湖”文旅产业走廊": "春江花月夜文旅走廊、崤山小叠梦想田园、富春山居数字诗路文化体验馆、新登音乐古城、石舍漫漫文化街区、放语空乡宿文创综合体、梅城严州活态府城、寿昌古镇西湖水街、心安文化小镇、千岛湖骑龙巷文创街区等",
    "白马湖湘湖数字内容产业组团": "中国网络作家村、华数数字电视产业园、中国智慧广电运营创新基地、大丰杭州白马湖文创总部、瑞德设计总部、冯锐科技科教模型生产基地、新青年演艺产业园、三江汇谷文创版块、棉北里文创园、湘湖艺创园等",
    "三江汇文化艺术产业组团": "中国美术学院、浙江音乐学院、凤凰创意国际、象山艺术公社、之江文化中心、吴山明美术馆、赞成艺谷综合体、富春艺术教育集聚区、黄公望隐居地、富春山居数字诗路文化体验馆、江堤艺术园等",
    "西溪影视内容产业组团": "中国（浙江）影视产业国际合作区、浙江电影科技城、西溪创意产业园、之江编剧村、咪咕数字阅读国家文化与科技融合示范基地、西溪乐谷创意产业园、西溪银座文化产业园、西溪艺术集合村、东信和创园等",
    "九乔数字时尚产业组团": "新禾联创数字时尚产业园、东谷数字文化创意园、七章数字时尚产业园、伟东数字文创园、万事利数字文化大楼等",
    "钱塘文化科技融合产业组团": "新加坡杭州科技园文化与科技融合创新中心、钱塘云印务基地、大创小镇文创基地、壹网壹创总部、浙江传媒学院文创产业园、杭州和达创意设计园、华媒科创园、金沙湖文化大剧院等",
    "世纪城数字音乐产业组团": "浙江国家音乐产业基地萧山园区、网易云音乐、浙江国际影视中心、国博会展中心、博地中心、雅马哈钢琴总部、华媒数创园、达利睿创时尚产业园等",
    "临平创意设计产业组团": "艺尚小镇时尚文化历史街区、临平文创大厦、朱炳仁铜雕产业园、临平新天地文创园、文创工场、大运河1986文创园、梦想汇创意园等",
    "良渚文化内容创新产业组团": "中国（良渚）数字文化社区、梦栖小镇、浙江省工业设计创新服务基地、启梦文创园、玉鸟流苏文创街区、径山禅茶文化交流中心等",
}

PLAN_MODELS = [
    Plan,
    Indicator,
    SpatialUnit,
    SpatialUnitDistrict,
    SpatialUnitPlatform,
    SpatialUnitTarget,
    IndustryFocus,
    Programme,
    Commitment,
    PlanFact,
    Platform,
]


def _show_json(code: str) -> dict:
    out = StringIO()
    call_command("plan", "show", code, "--json", stdout=out)
    return json.loads(out.getvalue())


def _table_hash() -> str:
    """A digest of every row (and history row) the loader can touch."""
    digest = hashlib.sha256()
    for model in PLAN_MODELS:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digest.update(str(model.history.count()).encode())  # type: ignore[attr-defined]
    return digest.hexdigest()


def test_it_round_trips_the_main_indicator_table(reference: None, plan_file: Path) -> None:
    plan_load(path=plan_file)

    data = _show_json("hangzhou-14th-culture")

    assert (data["start_year"], data["end_year"], data["base_year"], data["vision_year"]) == (
        2021,
        2025,
        2020,
        2035,
    )
    got = [
        (
            i["seq"],
            i["code"],
            i["name"],
            i["unit"],
            i["base_value"],
            i["target_op"],
            i["target_value"],
        )
        for i in data["main_indicators"]
    ]
    assert got == MAIN_TABLE
    for indicator in data["main_indicators"]:
        assert (indicator["base_year"], indicator["target_year"]) == (2020, 2025)
        # JSON numbers, not strings.
        assert isinstance(indicator["base_value"], int) and isinstance(indicator["target_value"], int)
        assert indicator["formula"]["kind"] in {"aggregate", "ratio", "count"}
    assert data["main_indicators"][2]["target_display"] == ">65"


def test_it_carries_gdp_share_and_the_2035_vision(reference: None, plan_file: Path) -> None:
    plan_load(path=plan_file)

    other = {i["code"]: i for i in _show_json("hangzhou-14th-culture")["other_indicators"]}

    assert (
        other["gdp_share"]["target_op"],
        other["gdp_share"]["target_value"],
        other["gdp_share"]["unit"],
    ) == (
        ">",
        16,
        "%",
    )
    assert (other["value_added_2035"]["target_year"], other["value_added_2035"]["target_value"]) == (
        2035,
        4570,
    )
    assert "翻一番" in other["value_added_2035"]["notes"]
    assert (other["total_output_2035"]["target_op"], other["total_output_2035"]["target_value"]) == (
        ">",
        20000,
    )


def test_it_carries_the_spatial_layout_with_every_table_platform(reference: None, plan_file: Path) -> None:
    plan_load(path=plan_file)

    units = _show_json("hangzhou-14th-culture")["spatial_units"]
    by_kind: dict[str, list[dict]] = {}
    for unit in units:
        by_kind.setdefault(unit["kind"], []).append(unit)

    assert {k: len(v) for k, v in by_kind.items()} == {
        "belt": 2,
        "corridor": 5,
        "cluster": 8,
        "region_group": 1,
    }
    by_name = {unit["name"]: unit for unit in units}
    for unit_name, cell in PLATFORM_TABLES.items():
        expected = cell.removesuffix("等").split("、")
        assert [p["name"] for p in by_name[unit_name]["platforms"]] == expected, unit_name
    # A platform listed in two units is one registry row.
    assert Platform.objects.filter(name="富春山居数字诗路文化体验馆").count() == 1
    assert SpatialUnitPlatform.objects.filter(platform__name="富春山居数字诗路文化体验馆").count() == 2

    belts = {u["code"]: u for u in by_kind["belt"]}
    assert belts["zhijiang-belt"]["targets"] == [
        {
            "measure": "total_output",
            "year": 2025,
            "op": "~",
            "value": 5000,
            "unit": "亿元",
            "display": "5000左右",
        }
    ]
    assert belts["grand-canal-belt"]["targets"][0]["op"] == ">="
    assert all(
        "待市文创办确认" in u["note"] for u in by_kind["belt"] + by_kind["corridor"] + by_kind["cluster"]
    )
    west = by_kind["region_group"][0]
    assert sorted(d["code"] for d in west["districts"]) == ["330111", "330112", "330122", "330127", "330182"]


def test_it_sets_levels_only_where_the_plan_states_them(reference: None, plan_file: Path) -> None:
    plan_load(path=plan_file)

    assert Platform.objects.get(name="白马湖生态创意城").level == Platform.Level.NATIONAL
    assert (
        Platform.objects.get(name="咪咕数字阅读国家文化与科技融合示范基地").level == Platform.Level.NATIONAL
    )
    assert Platform.objects.get(name="中国演艺谷").level == Platform.Level.NONE
    assert Platform.objects.get(name="艺尚小镇时尚文化历史街区").kind == Platform.Kind.STREET
    assert Platform.objects.get(name="哔哩哔哩电竞总部").kind == Platform.Kind.HQ


def test_it_carries_industries_programmes_and_facts(reference: None, plan_file: Path) -> None:
    plan_load(path=plan_file)

    data = _show_json("hangzhou-14th-culture")

    advantage = [i["name"] for i in data["industries"] if i["kind"] == "advantage"]
    emerging = [i["name"] for i in data["industries"] if i["kind"] == "emerging"]
    assert advantage == ["数字内容", "影视生产", "动漫游戏", "创意设计", "现代演艺"]
    assert emerging == ["数字文化展示", "在线艺术教育", "数字文化旅游", "文化智能制造"]

    assert len(data["programmes"]) == 6
    commitments = {c["code"]: c for p in data["programmes"] for c in p["commitments"]}
    assert len(commitments) >= 30
    assert (commitments["new_listed"]["target_op"], commitments["new_listed"]["target_value"]) == ("~", 20)
    rate = commitments["belt_projects_rate"]
    assert (rate["metric"], rate["target_op"], rate["target_value"], rate["unit"]) == (
        "project_start_completion_rate",
        ">=",
        90,
        "%",
    )
    assert {"park_rules", "national_platforms", "rankings", "talent_programmes", "export_new"} <= set(
        commitments
    )

    facts = {f["code"]: f for f in data["facts"]}
    expected = {
        "value_added_2015": (2015, 855),
        "value_added_2020": (2020, 2285),
        "national_parks": (2020, 18),
        "provincial_municipal_parks": (2020, 67),
        "above_scale_employees": (2020, 21),
        "above_scale_firms": (2020, 1426),
        "above_scale_revenue": (2020, 8001),
        "above_scale_revenue_growth": (2020, 12.41),
        "listed_firms": (2020, 48),
        "western_five_output_share": (2020, 4),
    }
    assert {code: (facts[code]["year"], facts[code]["value"]) for code in expected} == expected
    assert facts["western_five_output_share"]["spatial_unit"] == "western-five"
    assert facts["cultural_celebrities"]["qualifier"] == ">"
    assert all(f["quote"] for f in data["facts"])


def test_loading_twice_changes_nothing(reference: None, plan_file: Path) -> None:
    first = plan_load(path=plan_file)
    before = _table_hash()
    loaded_at = Plan.objects.get().loaded_at

    second = plan_load(path=plan_file)

    assert first.created > 300 and first.updated == 0
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.created
    assert _table_hash() == before
    assert Plan.objects.get().loaded_at == loaded_at


def test_a_changed_file_updates_and_prunes_only_what_changed(
    reference: None, plan_file: Path, tmp_path: Path
) -> None:
    plan_load(path=plan_file)
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace(
        'target: {year: 2025, op: ">=", value: 120}', 'target: {year: 2025, op: ">=", value: 125}'
    )
    text = text.replace(
        "  - {code: expo_editions, seq: 17, name: 杭州文博会举办届数, year: 2020, value: 14, unit: 届, "
        "quote: 成功举办十四届的杭州文博会成为全国四大综合性重点文化会展之一}\n",
        "",
    )
    changed = tmp_path / "changed.yaml"
    changed.write_text(text, encoding="utf-8")

    result = plan_load(path=changed)

    assert result.counts["plan.Indicator"].updated == 1
    assert result.counts["plan.PlanFact"].deleted == 1
    # The file's sha256 changed too.
    assert result.counts["plan.Plan"].updated == 1
    assert (result.created, result.updated, result.deleted) == (0, 2, 1)
    assert Indicator.objects.get(code="talents").target_value == 125
    assert Indicator.objects.get(code="talents").history.count() == 2  # type: ignore[attr-defined]
