from __future__ import annotations

from decimal import Decimal

import pytest

from wenchuang.core.exports import csv_text, neutralise_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("杭州某文化公司", "杭州某文化公司"),
        ("-12.5", "-12.5"),
        (-3, -3),
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, ""),
    ],
)
def test_it_neutralises_formula_cells(value, expected):
    assert neutralise_cell(value) == expected


def test_the_csv_writer_neutralises_every_cell_including_the_header():
    text = csv_text(["=name"], [["=1+1"], ["ok"]])
    assert text.splitlines() == ["'=name", "'=1+1", "ok"]


def test_neutralised_cells_stay_text_in_an_xlsx_file(tmp_path):
    # openpyxl turns any string starting with "=" into a formula; neutralised cells must not become one.
    import openpyxl

    payloads = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "＝1+1"]
    workbook = openpyxl.Workbook()
    workbook.active.append([neutralise_cell(v) for v in payloads])
    workbook.save(tmp_path / "out.xlsx")
    cells = next(iter(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=False)))
    assert [c.data_type for c in cells] == ["s"] * len(payloads)
    assert [c.value for c in cells] == ["'" + v for v in payloads]


@pytest.mark.parametrize(
    ("shown", "value", "fmt"),
    [
        ("2,852.76", Decimal("2852.76"), "#,##0.00"),
        ("1,234", Decimal("1234"), "#,##0"),
        ("-12.5", Decimal("-12.5"), "#,##0.0"),
        ("2024", Decimal("2024"), "#,##0"),
        ("64.43%", Decimal("0.6443"), "0.00%"),
        ("1,005.2%", Decimal("10.052"), "0.0%"),
        ("01", "01", "@"),  # 大类 code keeps its leading zero
        ("330106", "330106", "@"),  # district code
        ("91330106MA2B00001X", "91330106MA2B00001X", "@"),
        ("暂无数据", "暂无数据", None),
        ("—", "—", None),
        (Decimal("3.5"), Decimal("3.5"), None),
        (None, None, None),
    ],
)
def test_export_values_are_numbers_and_codes_stay_text(shown, value, fmt):
    from wenchuang.core.exports import export_value

    assert export_value(shown) == (value, fmt)
