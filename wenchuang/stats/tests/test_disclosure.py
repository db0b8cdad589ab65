"""Disclosure control (pure): no suppressed figure can be recovered by any linear combination of
everything a caller can obtain from every query together. Checked with linear algebra over the
respondents: a set S of enterprise-years is derivable from published sums iff its indicator vector
lies in the span of the published sums' indicator vectors (rank test)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenchuang.stats import disclosure
from wenchuang.stats.disclosure import Atom, Rule

CATS = ("0101", "0102", "0111", "0201", "0211", "0212")
LEVELS = (
    lambda k: (k[0], k[1], k[2]),
    lambda k: (k[0], k[2]),
    lambda k: (k[0], k[2][:3]),
    lambda k: (k[0], k[2][:2]),
    lambda k: (k[0],),
    lambda k: (),
)

firm = st.tuples(
    st.sampled_from(("A", "B", "C")),  # district
    st.sampled_from((0, 1)),  # platform
    st.sampled_from(CATS),  # 小类
    st.booleans(),  # above scale
    st.integers(min_value=1, max_value=1000),  # value
)


def _atoms(firms):
    atoms: dict = {}
    for d, p, c, s, v in firms:
        a = atoms.setdefault((d, p, c, s), Atom((d, p, c, s), 0, Decimal(0)))
        a.count += 1
        a.value += v
        a.top.append(Decimal(v))
    return list(atoms.values())


def _queries():
    """Every aggregate a caller can ask for: each filter combination × each group of each dimension,
    plus each query's total (predicates over a firm's key)."""
    districts = (None, "A", "B", "C")
    scales = (None, True, False)
    dims = {
        "district": [lambda k, x=x: k[0] == x for x in "ABC"],
        "platform": [lambda k, x=x: k[1] == x for x in (0, 1)],
        "major": [lambda k, x=x: k[2][:2] == x for x in ("01", "02")],
        "middle": [lambda k, x=x: k[2][:3] == x for x in ("010", "011", "020", "021")],
        "minor": [lambda k, x=x: k[2] == x for x in CATS],
        "scale": [lambda k, x=x: k[3] == x for x in (True, False)],
    }
    for d, s in itertools.product(districts, scales):

        def base(k, d=d, s=s):
            return (d is None or k[0] == d) and (s is None or k[3] == s)

        yield base
        for groups in dims.values():
            for g in groups:
                yield lambda k, base=base, g=g: base(k) and g(k)


QUERIES = list(_queries())


def _in_span(rows: list[np.ndarray], v: np.ndarray) -> bool:
    if not rows:
        return False
    m = np.array(rows, dtype=float)
    return np.linalg.matrix_rank(np.vstack([m, v])) == np.linalg.matrix_rank(m)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    firms=st.lists(firm, min_size=0, max_size=24),
    min_count=st.integers(min_value=2, max_value=4),
    k=st.sampled_from((0, 60, 85)),
)
def test_no_suppressed_figure_is_recoverable_from_all_queries_together(firms, min_count, k):
    rule = Rule(min_count=min_count, dominance_n=1, dominance_k=Decimal(k))
    table = disclosure.protect(_atoms(firms), LEVELS, rule)
    keys = [f[:4] for f in firms]
    values = [Decimal(f[4]) for f in firms]
    published, hidden = [], []
    for q in QUERIES:
        vec = np.array([1.0 if q(key) else 0.0 for key in keys])
        members = [i for i, key in enumerate(keys) if q(key)]
        sensitive = rule.sensitive(
            len(members), sum((values[i] for i in members), Decimal(0)), [values[i] for i in members]
        )
        if table.allows(q):
            assert not sensitive, "a primary-sensitive aggregate was published"
            published.append(vec)
        else:
            hidden.append(vec)
    for vec in hidden:
        if vec.any():
            assert not _in_span(published, vec), "a suppressed aggregate is a combination of published ones"
    # Stronger: no single respondent's value can be isolated either.
    for i in range(len(firms)):
        assert not _in_span(published, np.eye(len(firms))[i])


def test_the_subtraction_attack_of_one_table():
    """Total minus the visible groups used to give the hidden group back: the complement is hidden too."""
    firms = [("A", 0, "0101", True, 100)] * 4 + [("B", 0, "0101", True, 50)] * 2
    table = disclosure.protect(_atoms(firms), LEVELS, Rule())
    assert table.allows(lambda k: True)  # the city total (6 firms) is published
    assert not table.allows(lambda k: k[0] == "B")  # 2 firms: primary
    assert not table.allows(lambda k: k[0] == "A")  # complementary: total − A would give B


def test_dominance_rule():
    rule = Rule(min_count=3, dominance_n=1, dominance_k=Decimal(85))
    assert rule.sensitive(5, Decimal(100), [Decimal(90), Decimal(4)])
    assert not rule.sensitive(5, Decimal(100), [Decimal(50), Decimal(30)])
    assert not Rule(dominance_k=Decimal(0)).sensitive(5, Decimal(100), [Decimal(99)])
    assert Rule(dominance_n=2, dominance_k=Decimal(80)).sensitive(5, Decimal(100), [Decimal(50), Decimal(40)])
