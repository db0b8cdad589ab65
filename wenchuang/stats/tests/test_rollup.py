"""The rollup against hand-computed micro data; reconcile after partial and full refreshes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import selectors, services
from wenchuang.stats.models import FactCell, RollupYear, ValueAddedRate
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def micro() -> dict[str, object]:
    """2020: 小类 A (not digital) has three firms with full components (rate 0.2) and one without
    (revenue 50 → estimated 10); digital 小类 D has one full firm (too few for its own rate) and one
    without; one unclassified firm; one firm with neither revenue nor components."""
    f.load_reference()
    a, d = f.plain_code(), f.digital_code()
    firms = [f.enterprise(culture_code=a) for _ in range(4)]
    f.year(firms[0], 2020, revenue=100, components=(10, 2, 3, 5), employees=10, is_above_scale=True)
    f.year(firms[1], 2020, revenue=200, components=(20, 4, 6, 10), employees=20, is_above_scale=True)
    f.year(
        firms[2], 2020, revenue=300, components=(30, 6, 9, 15), total_output=400, employees=30, is_listed=True
    )
    f.year(firms[3], 2020, revenue=50, employees=5)
    dig = [f.enterprise(culture_code=d, district_code="330108") for _ in range(2)]
    f.year(dig[0], 2020, revenue=100, components=(25, 5, 5, 15), is_above_scale=True, is_leading=True)
    f.year(dig[1], 2020, revenue=100, is_above_scale=True)
    f.year(f.enterprise(), 2020, revenue=10)
    f.year(f.enterprise(culture_code=a), 2020, employees=3)
    return {"a": a, "d": d}


def test_it_computes_value_added_directly_and_by_rate_with_coverage(micro: dict[str, object]) -> None:
    services.rollup_refresh()
    t = selectors.totals(year=2020)
    all_rate = Decimal(170) / Decimal(700)  # A's three + D's one full firm
    expected_est = (
        Decimal(10)
        + (Decimal(100) * all_rate).quantize(Decimal("0.01"))
        + (Decimal(10) * all_rate).quantize(Decimal("0.01"))
    )
    assert t.sums["va_direct"] == Decimal(170)
    assert t.sums["va_estimated"] == pytest.approx(expected_est, abs=Decimal("0.011"))
    assert t.value_added == pytest.approx(Decimal(170) + expected_est, abs=Decimal("0.011"))
    assert t.va_coverage == pytest.approx(170 / float(170 + expected_est), rel=1e-6)
    assert (t.sums["n_direct"], t.sums["n_estimated"], t.sums["n_unknown"]) == (4, 3, 1)
    # Total output as reported (400 for firm 3), else revenue.
    assert t.measure("total_output") == Decimal(100 + 200 + 400 + 50 + 100 + 100 + 10)
    assert t.measure("revenue") == Decimal(860)
    assert t.sums["employees"] == 68
    assert (t.sums["n_rows"], t.sums["n_listed"], t.sums["n_leading"]) == (8, 1, 1)
    assert t.as_of is not None


def test_it_falls_back_to_wider_groups_and_records_the_rate_used(micro: dict[str, object]) -> None:
    services.rollup_refresh(years=[2020])
    rates = {r.category_code: r for r in ValueAddedRate.objects.filter(year=2020)}
    assert rates[micro["a"]].level == "minor"
    assert rates[micro["a"]].rate == Decimal("0.2")
    assert rates[micro["d"]].level in {"middle", "major", "all"}
    assert rates[""].level == "all"
    assert rates[""].rate == (Decimal(170) / Decimal(700)).quantize(Decimal("0.000000000001"))


def test_it_breaks_down_by_digital_and_above_scale(micro: dict[str, object]) -> None:
    services.rollup_refresh()
    rows = selectors.breakdown(year=2020, by=["is_digital"], filters={"above_scale": True})
    by = {r["is_digital"]: r for r in rows}
    assert by[True]["revenue"] == Decimal(200)
    assert by[False]["revenue"] == Decimal(300)
    assert selectors.totals(year=2020, filters={"district": "330108"}).sums["n_rows"] == 2


def test_it_scopes_to_districts(micro: dict[str, object]) -> None:
    services.rollup_refresh()
    binjiang = f.district("330108").pk
    assert selectors.totals(year=2020, districts=[binjiang]).measure("revenue") == Decimal(200)


def test_reconcile_passes_after_full_and_partial_refreshes_and_catches_drift(
    micro: dict[str, object],
) -> None:
    services.rollup_refresh()
    assert services.rollup_reconcile().ok
    cells_2020 = FactCell.objects.filter(year=2020).count()

    # A new year arrives: refresh only it, twice (idempotent), and 2020 is untouched.
    ent = f.enterprise(culture_code=str(micro["a"]))
    f.year(ent, 2021, revenue=500, components=(50, 10, 15, 25))
    services.rollup_refresh(years=[2021])
    services.rollup_refresh(years=[2021])
    assert FactCell.objects.filter(year=2020).count() == cells_2020
    assert RollupYear.objects.filter(year=2021).get().source_rows == 1
    result = services.rollup_reconcile()
    assert result.ok, [str(m) for m in result.mismatches]

    # Micro data changes without a refresh: reconcile must notice, a partial refresh must fix it.
    EnterpriseYear.objects.filter(year=2020, revenue=50).update(revenue=80)
    drift = services.rollup_reconcile()
    assert not drift.ok
    assert {m.measure for m in drift.mismatches} >= {"revenue", "revenue_missing", "va_estimated"}
    services.rollup_refresh(years=[2020])
    assert services.rollup_reconcile().ok
    assert selectors.totals(year=[2020, 2021]).sums["n_rows"] == 9

    # Data removed for a year: a full refresh empties it, and reconcile still passes.
    EnterpriseYear.objects.filter(year=2021).delete()
    assert not services.rollup_reconcile().ok
    services.rollup_refresh()
    assert not FactCell.objects.filter(year=2021).exists()
    assert services.rollup_reconcile().ok


def test_reconcile_reports_a_year_never_refreshed(micro: dict[str, object]) -> None:
    result = services.rollup_reconcile()
    assert result.missing_years == [2020]
    assert not result.ok
