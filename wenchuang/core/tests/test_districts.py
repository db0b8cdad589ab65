"""The 2021 crosswalk: every street of the notice, codes and names as files carry them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from wenchuang.core.districts import comparability_note, crosswalk, district_resolve, file_vintage

CURRENT = {
    r["code"]: r["name"]
    for r in csv.DictReader(
        (Path(settings.DATA_DIR) / "reference" / "districts-330100.csv").open(encoding="utf-8")
    )
}

# The notice, as the issue and the district notes state it: new district ← streets moved into it.
MOVED = {
    "330114": {"下沙街道", "白杨街道", "河庄街道", "义蓬街道", "新湾街道", "临江街道", "前进街道"},
    "330113": {"临平街道", "东湖街道", "南苑街道", "星桥街道", "运河街道", "乔司街道", "崇贤街道", "塘栖镇"},
}


def test_the_crosswalk_holds_the_notices_streets():
    rows = crosswalk()
    for new, streets in MOVED.items():
        assert {r.street for r in rows if r.new_code == new and r.street} == streets
    yuhang = {r.street for r in rows if r.old_code == "330110" and r.new_code == "330110" and r.street}
    assert len(yuhang) == 12
    assert all(r.effective == "2021-04-09" for r in rows)
    assert all(r.new_code in CURRENT for r in rows)


@pytest.mark.parametrize(
    ("value", "address", "code", "review"),
    [
        ("西湖区", "", "330106", False),
        ("杭州市西湖区", "", "330106", False),
        ("浙江省杭州市滨江区", "", "330108", False),
        ("萧山", "", "330109", False),
        ("330103", "", "330105", False),
        ("下城区", "", "330105", False),
        ("330104", "杭州市江干区下沙街道1号", "330114", False),
        ("330104", "杭州市江干区凯旋街道1号", "330102", False),
        ("330104", "杭州市江干区景昙路9号", "330102", True),
        ("江干区", "杭州市钱塘区白杨街道", "330114", False),
        ("330110", "杭州市余杭区塘栖镇1号", "330113", False),
        ("330110", "杭州市临平区世纪大道", "330113", False),
        ("330110", "杭州市余杭区五常大道", "330110", True),
        ("330110", "杭州市余杭区良渚街道", "330110", False),
        ("330109", "杭州市萧山区前进街道", "330114", False),
        ("330109", "杭州市萧山区北干街道", "330109", False),
        ("", "浙江省杭州市江干区白杨街道", "330114", False),
        ("杭州市市场监督管理局西湖分局", "", "330106", False),
        ("杭州市市场监督管理局", "杭州市临安区锦城街道", "330112", False),
    ],
)
def test_codes_and_names_resolve_to_todays_district(value, address, code, review):
    res = district_resolve(value, address, CURRENT)
    assert (res.code, res.review) == (code, review), res
    assert res.original == value
    if code != value and value.isdigit():
        assert res.note  # an old code says how it was mapped


@pytest.mark.parametrize("value", ["宁波市鄞州区", "330782", "999999"])
def test_outside_the_city_is_not_guessed(value):
    assert district_resolve(value, "", CURRENT).code is None


def test_the_note_says_how_series_were_made_comparable():
    note = comparability_note()
    assert "2021年" in note and "钱塘区" in note and "口径" in note


def test_a_files_vintage_decides_whether_a_bare_yuhang_code_needs_its_street():
    assert file_vintage(["330106", "330104", ""]) == "old"
    assert file_vintage(["西湖区", "杭州市临平区"]) == "new"
    assert file_vintage(["330106", "330110"]) == "unknown"
    assert file_vintage(["下城区", "钱塘区"]) == "unknown"
    address = "杭州市余杭区五常大道1号"
    assert district_resolve("330110", address, CURRENT, "old").review
    assert district_resolve("330110", address, CURRENT, "unknown").review
    assert not district_resolve("330110", address, CURRENT, "new").review
    # an old-only code is a split whatever the file's vintage
    assert district_resolve("330104", "杭州市江干区景昙路", CURRENT, "new").review
