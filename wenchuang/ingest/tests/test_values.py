from datetime import date
from decimal import Decimal

import pytest

from wenchuang.ingest.values import ValueProblem, parse_date, parse_decimal, parse_money, unit_from_header


def test_it_reads_numbers_with_thousands_separators():
    assert parse_decimal("1,234,567.8") == Decimal("1234567.8")
    assert parse_decimal("１２３") == Decimal(123)  # full-width digits


def test_it_rejects_text_in_a_number():
    with pytest.raises(ValueProblem, match="不是数字"):
        parse_decimal("约100")


@pytest.mark.parametrize(
    ("raw", "unit", "wan"), [("12,345", "元", "1.23"), ("3", "亿元", "30000.00"), ("5.5", "万元", "5.50")]
)
def test_it_converts_money_to_wan(raw, unit, wan):
    assert parse_money(raw, unit) == Decimal(wan)


@pytest.mark.parametrize("raw", ["2020-01-05", "2020/1/5", "2020年1月5日", 43835, "43835"])
def test_it_reads_dates(raw):
    assert parse_date(raw) == date(2020, 1, 5)


def test_it_reads_the_unit_from_the_header():
    assert unit_from_header("营业收入（元）") == ("营业收入", "元")
    assert unit_from_header("营业收入(亿元)") == ("营业收入", "亿元")
    assert unit_from_header("企业名称") == ("企业名称", None)
