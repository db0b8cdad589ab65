"""The plan's arithmetic (stats.formulas) against hand-worked figures, and the progress words at the
end of the plan period and without a base value."""

from __future__ import annotations

import pytest

from wenchuang.stats import formulas, progress


def test_growth_only_between_values_of_one_source() -> None:
    same = formulas.growth(
        value=110, source="official", year=2024, prev_value=100, prev_source="official", prev_year=2023
    )
    assert same is not None and same.comparable and same.rate == pytest.approx(0.10)
    two_years = formulas.growth(
        value=121, source="computed", year=2024, prev_value=100, prev_source="computed", prev_year=2022
    )
    assert two_years is not None and two_years.rate == pytest.approx(0.10)
    mixed = formulas.growth(
        value=3100, source="official", year=2024, prev_value=1800, prev_source="computed", prev_year=2023
    )
    assert mixed is not None and mixed.rate is None and not mixed.comparable
    assert mixed.note == "口径不同：2023年为微观数据计算，2024年为官方数据，不计算增速"
    assert (
        formulas.growth(
            value=None, source="none", year=2024, prev_value=1, prev_source="official", prev_year=2023
        )
        is None
    )


def test_completion_ratios_and_coverage() -> None:
    assert formulas.target_ratio(3120, 3000) == pytest.approx(1.04)
    assert formulas.increment_completion(3120, 2285, 3000) == pytest.approx(835 / 715)
    assert formulas.coverage(1800, 3000) == pytest.approx(0.6)
    assert formulas.coverage(None, 3000) is None and formulas.ratio(1, 0) is None
    assert formulas.cagr(100, 121, 2) == pytest.approx(0.1)
    assert formulas.cagr(0, 121, 2) is None


def test_no_on_track_at_the_end_of_the_period() -> None:
    target = progress.Target(3000, 2025)
    p = progress.assess(base_year=2020, base_value=2285, latest_year=2025, latest_value=2990, target=target)
    assert p.status is progress.Status.NOT_ACHIEVED and p.label == "未实现目标"
    assert "距目标尚差10" in p.explanation
    assert p.target_ratio == pytest.approx(2990 / 3000)
    # The same growth one year earlier is judged by R.
    earlier = progress.assess(
        base_year=2020, base_value=2285, latest_year=2024, latest_value=2990, target=target
    )
    assert earlier.status is progress.Status.ON_TRACK


def test_without_a_base_only_the_level_is_judged() -> None:
    target = progress.Target(16, 2025, ">")
    assert progress.level_verdict(year=2024, value=14.2, target=target).status is progress.Status.BELOW_TARGET
    assert progress.level_verdict(year=2025, value=14.2, target=target).status is progress.Status.NOT_ACHIEVED
    met = progress.level_verdict(year=2023, value=16.5, target=target)
    assert met.status is progress.Status.ACHIEVED and met.target_ratio == pytest.approx(16.5 / 16)
