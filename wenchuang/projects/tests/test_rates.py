"""The rate definition, without a database: each case computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wenchuang.projects.rates import ProjectDates, rate


def p(
    pk, *, accepted=date(2022, 1, 1), ps=date(2023, 5, 1), pc=date(2024, 5, 1), st=None, done=None, term=None
):
    return ProjectDates(pk, accepted, ps, pc, st, done, term)


def test_it_counts_projects_planned_for_the_year_and_started_by_its_end():
    items = [
        p(1, st=date(2023, 6, 1)),  # started in its year
        p(2, st=date(2024, 1, 5)),  # started late: in the denominator, not the numerator
        p(3),  # not started
        p(4, ps=date(2024, 2, 1)),  # planned for another year
        p(5, accepted=None, st=date(2023, 6, 1)),  # never accepted into the library
        p(6, term=date(2022, 12, 1)),  # withdrawn before its year
        p(7, term=date(2023, 9, 1)),  # terminated during its year: counted as not started
    ]
    r = rate(items, year=2023, kind="start")
    assert sorted(r.denominator) == [1, 2, 3, 7]
    assert r.numerator == [1]
    assert r.value == Decimal("25.0")
    assert r.meets(Decimal(90)) is False


def test_the_running_year_counts_up_to_as_of():
    items = [p(1, st=date(2023, 6, 1)), p(2, st=date(2023, 8, 1))]
    assert rate(items, year=2023, kind="start", as_of=date(2023, 7, 1)).value == Decimal("50.0")


def test_completion_uses_the_completion_dates():
    items = [
        p(1, st=date(2023, 6, 1), done=date(2024, 3, 1)),
        p(2, st=date(2023, 6, 1)),
        p(3, pc=date(2025, 1, 1)),
    ]
    r = rate(items, year=2024, kind="completion")
    assert (sorted(r.denominator), r.numerator, r.value) == ([1, 2], [1], Decimal("50.0"))


def test_an_empty_year_has_no_rate_not_zero():
    r = rate([p(1)], year=2021, kind="start")
    assert r.value is None and r.meets(Decimal(90)) is None
