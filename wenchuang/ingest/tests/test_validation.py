"""The column-wise validator must read every cell exactly as the row-by-row reference (`validate_row`)
does: same values, same problems in the same order. Cells mix the fast paths' cases with everything
they must leave to the general parser."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from wenchuang.core.uscc import make_valid
from wenchuang.ingest.schema import KINDS
from wenchuang.ingest.validation import Context, rows_validator, validate_row

GOOD_USCC = make_valid("91330106MA2B0Q0X4")
SAMPLES: dict[str, list[object]] = {
    "uscc": [
        GOOD_USCC,
        GOOD_USCC.lower(),
        f" {GOOD_USCC} ",
        GOOD_USCC[:17] + ("0" if GOOD_USCC[17] != "0" else "1"),
        GOOD_USCC[:5] + "I" + GOOD_USCC[6:],
        "9133010",
        "ＡＢ",
        "",
        None,
    ],
    "text": ["文化服务", " 游戏软件开发 ", "ＡＢＣ", "plain", "x" * 300, "", "   ", None, 12.0, 7],
    "money": [
        "1,250.5",
        "1250",
        " 12 ",
        "-5",
        "1e5",
        "1_000",
        "abc",
        "12,34",
        "",
        None,
        3,
        2.5,
        Decimal("7.1"),
    ],
    "decimal": ["18,753", "1.5", "x", "", None, 4],
    "int": ["12", "0", "-3", "1.5", "１２", "²", "", None, 5, 5.0],
    "year": ["2023", "1990", "2030", "二〇二三", "", None, 2021, 2021.0],
    "date": [
        "2020-01-05",
        "2020/1/5",
        "2020年1月5日",
        "2020-02-30",
        43831,
        datetime(2020, 1, 5),
        date(2021, 3, 4),
        "",
        None,
    ],
    "bool": ["是", "否", "规上", "yes", "maybe", "", None, 1],
    "grade": ["A", "b", "M级", "E", "", None],
    "gbt": ["8610", "610", " 6513 ", "86101", "abcd", "", None, 8610],
    "district": ["330106", "330199", " 330106 ", "", None],
    "status": ["存续", "注销", "Active", "未知", "", None],
    "slug": ["main-indicator", "bad code", "", None],
}


def _ctx(kind, formulas=None):
    positions = {c.key: i for i, c in enumerate(kind.columns)}
    units = {c.key: "元" for c in kind.columns if c.type == "money"}
    return Context(
        city_code="330100",
        districts={"330106": 1, "330102": 2},
        district_names={"西湖区": 1, "上城区": 2},
        years=(2015, 2025),
        units=units,
        formulas=formulas or {},
        positions=positions,
    )


@pytest.mark.parametrize("kind_code", sorted(KINDS))
def test_column_wise_validation_equals_the_row_by_row_reference(kind_code):
    kind = KINDS[kind_code]
    rnd = random.Random(kind_code)
    rows = []
    for rowno in range(2, 402):
        rows.append((rowno, [rnd.choice(SAMPLES.get(c.type, SAMPLES["text"])) for c in kind.columns]))
    rows.append((402, [SAMPLES.get(c.type, SAMPLES["text"])[0] for c in kind.columns][:2]))  # short row
    formulas = {(5, 0): "=A1", (9, len(kind.columns) - 1): "=SUM(B1:B2)"}
    ctx = _ctx(kind, formulas)
    good, bad = rows_validator(kind, ctx)(rows)
    expected_good, expected_bad = [], {}
    for rowno, values in rows:
        cells = {c.key: (values[i] if i < len(values) else None) for i, c in enumerate(kind.columns)}
        out, problems = validate_row(kind, rowno, cells, ctx)
        if problems:
            expected_bad[rowno] = problems
        else:
            expected_good.append((rowno, out))
    assert bad == expected_bad
    assert good == expected_good
    assert len(good) + len(bad) == len(rows)
    # the random mix exercises both outcomes
    assert bad and (good or kind_code in ("registration", "official"))


def test_it_reads_plain_csv_cells_on_the_fast_path_with_the_general_parsers_result():
    kind = KINDS["annual"]
    ctx = _ctx(kind)
    ctx.units = {}
    row = [GOOD_USCC, "2023", "1,250.5", "320", "45.2", "60", "110", "1300", "12", "0", "是"]
    good, bad = rows_validator(kind, ctx)([(2, row)])
    assert not bad
    out = good[0][1]
    assert out["revenue"] == Decimal("1250.50") and out["employees"] == 12 and out["is_above_scale"] is True
    assert list(itertools.islice(out, 2)) == ["uscc", "year"]
