"""Pure modules: value-added rates with fallback, the rule expression language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenchuang.stats import rules, valueadded
from wenchuang.stats.valueadded import Basis


def test_rates_fall_back_from_minor_to_middle_to_major_to_all() -> None:
    bases = {
        "0110": Basis(3, Decimal(30), Decimal(100)),  # own rate 0.3
        "0120": Basis(1, Decimal(10), Decimal(20)),  # alone too small → 中类 012 also too small → 大类 01
        "0121": Basis(1, Decimal(5), Decimal(20)),
        "0211": Basis(0, Decimal(0), Decimal(0)),  # nothing in 大类 02 → all
        "": Basis(0, Decimal(0), Decimal(0)),  # unclassified → all
    }
    r = valueadded.rates_for(bases)
    assert (r["0110"].level, r["0110"].value) == ("minor", Decimal("0.3"))
    assert r["0120"].level == "major" and r["0120"].basis_code == "01"
    assert r["0120"].value == (Decimal(45) / Decimal(140)).quantize(valueadded.RATE_QUANTUM)
    assert r["0211"].level == "all" and r["0211"].basis.rows == 5
    assert r[""].level == "all"
    assert valueadded.rates_for({"0110": Basis()})["0110"].level == "none"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["0110", "0111", "0120", "0211", ""]),
            st.integers(0, 5),
            st.integers(1, 10_000),
            st.integers(0, 100),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_rate_lies_within_the_range_of_the_enterprises_it_comes_from(
    rows: list[tuple[str, int, int, int]],
) -> None:
    pairs = [(code, Basis(n, Decimal(rev * pct) / 100 * n, Decimal(rev * n))) for code, n, rev, pct in rows]
    bases: dict[str, Basis] = {}
    for code, basis in pairs:  # one basis per 小类, summed over its cells
        bases[code] = bases.get(code, Basis()) + basis
    rates = valueadded.rates_for(bases)
    contributing = [Decimal(pct) / 100 for _, n, _, pct in rows if n > 0]
    for rate in rates.values():
        if rate.value is None:
            assert not contributing or rate.level == "none"
            continue
        assert min(contributing) - Decimal("1e-9") <= rate.value <= max(contributing) + Decimal("1e-9")


def test_coverage_is_the_directly_computed_share() -> None:
    assert valueadded.coverage(Decimal(75), Decimal(25)) == 0.75
    assert valueadded.coverage(Decimal(0), Decimal(0)) is None


def test_rules_parse_an_expression_into_its_fields() -> None:
    node = rules.parse("abs(revenue / prev.revenue - 1)")
    assert rules.fields(node) == {rules.Field("revenue"), rules.Field("revenue", prev=True)}


@pytest.mark.parametrize(
    "text", ["__import__('os')", "revenue.real", "foo + 1", "prev.nope", "revenue if 1 else 2", "(1"]
)
def test_rules_reject_anything_outside_the_language(text: str) -> None:
    with pytest.raises(rules.RuleError):
        rules.parse(text)
