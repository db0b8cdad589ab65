"""The points table and its evaluation, without a database."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenchuang.finance import scorecard
from wenchuang.finance.scorecard import DEFAULT_TABLE, evaluate


def test_the_default_table_adds_up_to_1000():
    scorecard.validate(DEFAULT_TABLE)
    assert sum(scorecard.max_points(a) for a in DEFAULT_TABLE["attributes"]) == 1000


def test_a_table_that_does_not_add_up_is_refused():
    table = copy.deepcopy(DEFAULT_TABLE)
    table["attributes"][0]["bands"][0]["points"] = 250
    with pytest.raises(scorecard.TableError, match="1000"):
        scorecard.validate(table)


def test_the_best_firm_scores_1000_and_says_nothing_can_be_raised():
    best = {
        "tax_grade": "A",
        "years": 12,
        "growth": 30.0,
        "margin": 20.0,
        "employees": 400,
        "ip": 25,
        "awards": 4,
        "listed": True,
        "key": True,
        "park": True,
        "penalties": 0,
        "social": 12,
    }
    result = evaluate(DEFAULT_TABLE, best)
    assert (result.total, result.grade) == (1000, "AAA")
    assert all(a.advice == "" for a in result.attributes)


def test_advice_names_the_next_band_and_its_gain():
    result = evaluate(DEFAULT_TABLE, {"growth": 5.0, "penalties": 1, "tax_grade": "B"})
    by = {a.code: a for a in result.attributes}
    assert by["growth"].points == 50 and by["growth"].advice == "营业收入增长率达到10%可增加30分"
    assert by["penalties"].advice == "行政处罚记录（当年）降至1次以下可增加40分"
    assert by["tax_grade"].advice == "纳税信用等级达到“A级”可增加50分"


@settings(deadline=None)  # a shared machine: timing is not what this test is about
@given(
    st.fixed_dictionaries(
        {
            "years": st.one_of(st.none(), st.integers(-5, 60)),
            "growth": st.one_of(st.none(), st.floats(-100, 1000, allow_nan=False)),
            "employees": st.one_of(st.none(), st.integers(0, 10000)),
            "penalties": st.one_of(st.none(), st.integers(0, 9)),
            "listed": st.one_of(st.none(), st.booleans()),
        }
    )
)
def test_scores_stay_within_0_and_1000_and_grades_follow_the_total(facts):
    result = evaluate(DEFAULT_TABLE, facts)
    assert 0 <= result.total <= 1000
    assert result.total == sum(a.points for a in result.attributes)
    assert result.grade == scorecard.grade_for(DEFAULT_TABLE, result.total)
