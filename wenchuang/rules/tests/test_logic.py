"""The per-firm evaluator and the validator, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wenchuang.rules.logic import RuleError, Tri, evaluate, explain, facts_used, parse, validate_rule
from wenchuang.rules.params import ParamValue

AS_OF = date(2025, 6, 30)
PARAMS = {
    "revenue_threshold": ParamValue(
        key="revenue_threshold",
        label="营收门槛",
        value=Decimal("5000"),
        unit="万元",
        legal_source="示例 杭文创〔2024〕1号 第三条",
        valid_from=date(2024, 1, 1),
    ),
    "threshold_yuan": ParamValue(key="threshold_yuan", label="元门槛", value=Decimal("1"), unit="元"),
}
ABOVE = {">=": [{"var": "revenue"}, {"param": "revenue_threshold"}]}


def test_it_explains_a_met_condition_with_value_and_threshold():
    e = explain(ABOVE, {"revenue": Decimal("6200")}, PARAMS, AS_OF)
    assert e.status is Tri.TRUE
    (c,) = e.conditions
    assert c.text.startswith("上年营业收入 6,200万元 ≥ 5,000万元")
    assert c.text.endswith("✓")
    assert "杭文创〔2024〕1号" in c.threshold_text


def test_it_marks_missing_data_and_says_what_to_supply():
    e = explain(ABOVE, {"revenue": None}, PARAMS, AS_OF)
    assert e.status is Tri.UNKNOWN
    assert e.conditions[0].status.mark == "缺数据"
    assert e.hints() == ["请补充或更正：上年营业收入（暂无数据）"]


def test_it_says_what_to_reach_when_a_condition_fails():
    e = explain(ABOVE, {"revenue": Decimal("3200")}, PARAMS, AS_OF)
    assert e.status is Tri.FALSE
    assert "需满足：上年营业收入 ≥ 5,000万元" in e.hints()[0]
    assert "当前3,200万元" in e.hints()[0]


@pytest.mark.parametrize(
    ("statuses", "and_", "or_"),
    [
        ((Tri.TRUE, Tri.UNKNOWN), Tri.UNKNOWN, Tri.TRUE),
        ((Tri.FALSE, Tri.UNKNOWN), Tri.FALSE, Tri.UNKNOWN),
        ((Tri.TRUE, Tri.TRUE), Tri.TRUE, Tri.TRUE),
        ((Tri.FALSE, Tri.FALSE), Tri.FALSE, Tri.FALSE),
    ],
)
def test_it_uses_three_valued_logic(statuses, and_, or_):
    value = {Tri.TRUE: True, Tri.FALSE: False, Tri.UNKNOWN: None}
    facts = {"listed": value[statuses[0]], "leading": value[statuses[1]]}
    a = {"==": [{"var": "listed"}, True]}
    b = {"==": [{"var": "leading"}, True]}
    assert evaluate({"and": [a, b]}, facts, PARAMS, AS_OF) is and_
    assert evaluate({"or": [a, b]}, facts, PARAMS, AS_OF) is or_
    assert evaluate({"!": {"and": [a, b]}}, facts, PARAMS, AS_OF) is and_.negate()


def test_not_of_missing_data_is_not_eligibility():
    assert evaluate({"!": ABOVE}, {"revenue": None}, PARAMS, AS_OF) is Tri.UNKNOWN


def test_date_arithmetic_years_ago():
    rule = {"<=": [{"var": "founded_on"}, {"years_ago": 3}]}
    assert evaluate(rule, {"founded_on": date(2022, 6, 30)}, PARAMS, AS_OF) is Tri.TRUE
    assert evaluate(rule, {"founded_on": date(2022, 7, 1)}, PARAMS, AS_OF) is Tri.FALSE
    assert "3年前" in explain(rule, {"founded_on": date(2020, 1, 1)}, PARAMS, AS_OF).conditions[0].text


def test_between_and_in():
    between = {"<=": [100, {"var": "employees"}, 300]}
    assert evaluate(between, {"employees": 100}, PARAMS, AS_OF) is Tri.TRUE
    assert evaluate(between, {"employees": 301}, PARAMS, AS_OF) is Tri.FALSE
    inside = {"in": [{"var": "tax_credit"}, ["A", "B"]]}
    assert evaluate(inside, {"tax_credit": "B"}, PARAMS, AS_OF) is Tri.TRUE
    assert evaluate(inside, {"tax_credit": "C"}, PARAMS, AS_OF) is Tri.FALSE


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({">=": [{"var": "profit"}, 1]}, "未知的事实“profit”"),
        ({">=": [{"var": "revenue"}, "很多"]}, "“上年营业收入”是数值，不能与文字“很多”比较"),
        ({">": [{"var": "listed"}, 1]}, "“上市企业”是是/否，不能比较大小"),
        ({">=": [{"var": "revenue"}, {"param": "threshold_yuan"}]}, "单位不一致"),
        ({">=": [{"var": "revenue"}, {"param": "nope"}]}, "未知的参数“nope”"),
        ({"<=": [{"var": "revenue"}, {"years_ago": 3}]}, "不是日期"),
        ({"xor": [1, 2]}, "不支持的运算符“xor”"),
        ({"==": [{"var": "listed"}, "是"]}, "只能与“是”或“否”比较"),
    ],
)
def test_it_rejects_invalid_rules_in_chinese(rule, message):
    errors = validate_rule(rule, PARAMS)
    assert errors
    assert any(message in e for e in errors), errors


def test_valid_rule_has_no_errors_and_lists_its_facts():
    rule = {"and": [ABOVE, {"==": [{"var": "listed"}, True]}, {"!": {"<": [{"var": "employees"}, 10]}}]}
    assert validate_rule(rule, PARAMS) == []
    assert facts_used(rule) == ["revenue", "listed", "employees"]


def test_parse_refuses_a_non_fact_left_side():
    with pytest.raises(RuleError):
        parse({">=": [5, {"var": "revenue"}]})


def test_a_negated_condition_reads_as_the_requirement():
    rule = {"!": {"==": [{"var": "tax_credit"}, "D"]}}
    e = explain(rule, {"tax_credit": "A"}, PARAMS, AS_OF)
    assert e.status is Tri.TRUE
    (c,) = e.conditions
    assert c.op == "!=" and c.status is Tri.TRUE and c.text.endswith("✓")
    failed = explain(rule, {"tax_credit": "D"}, PARAMS, AS_OF)
    assert failed.hints() == ["需满足：纳税信用等级 ≠ D级（当前D级）"]
