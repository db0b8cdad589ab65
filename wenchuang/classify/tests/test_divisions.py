"""Divisions beyond one city: Zhejiang's GB/T 2260 divisions as dated reference data, loaded for the
deployment's region, with the code-level crosswalk of changes checked on load."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wenchuang.classify.reference import REFERENCE_DIR, DivisionFileError, reference_load
from wenchuang.registry.models import District, Division
from wenchuang.registry.regions import (
    Region,
    deployment_region,
    region_children,
    region_district_ids,
    region_name,
    region_within,
)
from wenchuang.settings import _region_level

pytestmark = pytest.mark.django_db

ZHEJIANG_CITIES = [
    ("330100", "杭州市"),
    ("330200", "宁波市"),
    ("330300", "温州市"),
    ("330400", "嘉兴市"),
    ("330500", "湖州市"),
    ("330600", "绍兴市"),
    ("330700", "金华市"),
    ("330800", "衢州市"),
    ("330900", "舟山市"),
    ("331000", "台州市"),
    ("331100", "丽水市"),
]


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_city_deployment_loads_its_districts_and_the_levels_above() -> None:
    counts = reference_load()  # default region: the city 330100
    assert District.objects.count() == 13
    assert counts.created["districts"] == 13
    assert Division.objects.get(code="330000").name == "浙江省"
    assert Division.objects.get(code="330100").level == "city"
    retired = Division.objects.filter(valid_to__isnull=False).order_by("code")
    assert [(d.code, d.valid_to) for d in retired] == [
        ("330103", date(2021, 4, 9)),
        ("330104", date(2021, 4, 9)),
        ("330185", date(2017, 8, 1)),
    ]
    # nothing of another city
    assert not Division.objects.filter(code__startswith="3302").exists()
    assert deployment_region() == Region("330100", "杭州市", "city")
    assert region_children("330000") == [Region("330100", "杭州市", "city")]
    assert region_children("000000") == [Region("330000", "浙江省", "province")]


def test_a_province_deployment_loads_every_city_and_county(settings) -> None:
    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    counts = reference_load()
    assert District.objects.count() == 90  # Zhejiang's county-level divisions in force
    assert counts.created["divisions"] == 1 + 11 + 90 + 7  # the retired ones stay dated
    assert [(r.code, r.name) for r in region_children("330000")] == ZHEJIANG_CITIES
    assert {r.level for r in region_children("330000")} == {"city"}
    assert len(region_district_ids("330200")) == 10  # 宁波市
    assert len(region_district_ids("330000")) == 90
    assert region_name("330383") == "龙港市"
    assert region_name("330204") == "江东区"  # retired, still named
    ningbo = [r.name for r in region_children("330200")]
    assert "奉化区" in ningbo and "江东区" not in ningbo
    assert deployment_region() == Region("330000", "浙江省", "province")
    # idempotent
    again = reference_load()
    assert again.created["divisions"] == 0 and again.created["districts"] == 0


def test_a_city_deployment_keeps_working_after_the_province_was_loaded() -> None:
    reference_load(region="330000")
    reference_load()
    assert District.objects.count() == 90  # nothing deleted: the wider load is kept
    assert len(region_district_ids("330100")) == 13


def test_hangzhou_in_the_province_file_matches_the_city_file() -> None:
    divisions = {r["code"]: r for r in _rows("divisions-330000.csv")}
    for row in _rows("districts-330100.csv"):
        d = divisions[row["code"]]
        assert (d["name"], d["kind"], d["parent_code"], d["note"], d["valid_to"]) == (
            row["name"],
            row["type"],
            row["parent_code"],
            row["note"],
            "",
        )
    current = [r for r in divisions.values() if r["level"] == "county" and not r["valid_to"]]
    assert sorted(r["code"] for r in current if r["parent_code"] == "330100") == sorted(
        r["code"] for r in _rows("districts-330100.csv")
    )


def test_the_changes_agree_with_the_hangzhou_street_crosswalk() -> None:
    changes = {(r["old_code"], r["new_code"]) for r in _rows("divisions-330000-changes.csv")}
    streets = {
        (r["old_code"], r["new_code"])
        for r in _rows("districts-330100-2021-crosswalk.csv")
        if r["old_code"] != r["new_code"]
    }
    assert streets <= changes


def test_a_crosswalk_that_contradicts_the_divisions_is_refused(tmp_path: Path) -> None:
    for path in REFERENCE_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    changes = tmp_path / "divisions-330000-changes.csv"
    text = changes.read_text(encoding="utf-8").replace(
        "330185,临安市,330112,临安区,2017-08-01", "330185,临安市,330112,临安区,2018-01-01"
    )
    changes.write_text(text, encoding="utf-8")
    with pytest.raises(DivisionFileError, match="停用日期应为2018-01-01"):
        reference_load(directory=tmp_path)
    assert not District.objects.exists()  # one transaction: nothing was written


def test_a_region_without_its_province_file_is_refused_in_chinese() -> None:
    with pytest.raises(DivisionFileError, match=r"未找到区划参考文件 divisions-320000\.csv"):
        reference_load(region="320100")


def test_region_containment_follows_the_codes() -> None:
    assert region_within("330212", "330200")
    assert region_within("330200", "330000")
    assert region_within("330000", "000000")
    assert not region_within("330212", "330100")
    assert not region_within("330000", "330100")


def test_the_deployment_level_follows_the_region_code() -> None:
    assert [_region_level(c) for c in ("000000", "330000", "330100", "330106")] == [
        "nation",
        "province",
        "city",
        "county",
    ]
    with pytest.raises(ImproperlyConfigured):
        _region_level("3301")
    assert settings.WENCHUANG_REGION_CODE == settings.WENCHUANG_CITY_CODE == "330100"
    assert settings.WENCHUANG_DEPLOYMENT_LEVEL == "city"
