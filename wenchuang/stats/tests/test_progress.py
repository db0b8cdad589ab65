from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wenchuang.stats.progress import Status, Target, assess, score_for_ratio, status_for_ratio


def test_it_computes_the_open_sdg_ratio_by_hand() -> None:
    # Value added 2285 (2020) → 2600 (2022), target 3000 by 2025.
    p = assess(
        base_year=2020, base_value=2285, latest_year=2022, latest_value=2600, target=Target(3000, 2025)
    )
    assert p.observed_rate == pytest.approx(0.066703, abs=1e-6)
    assert p.required_rate == pytest.approx(0.055959, abs=1e-6)
    assert p.ratio == pytest.approx(1.19199, abs=1e-4)
    assert p.status is Status.ON_TRACK
    assert p.score == pytest.approx(2.5 + 2.5 * (1.19199 - 0.95) / 0.35, abs=1e-3)
    # 时序进度: (2600-2285)/(3000-2285) = 44.06% done at 2/5 = 40% of the time.
    assert p.completion == pytest.approx(315 / 715)
    assert p.time_share == pytest.approx(0.4)
    assert p.on_schedule is True
    assert p.rate_still_required == pytest.approx((3000 / 2600) ** (1 / 3) - 1)
    assert "R=1.19" in p.explanation and "达到或超过时序进度" in p.explanation


def test_a_met_target_overrides_everything() -> None:
    p = assess(base_year=2020, base_value=48, latest_year=2021, latest_value=101, target=Target(100, 2025))
    assert p.status is Status.ACHIEVED and p.target_met and p.score == 5.0
    assert "已实现目标" in p.explanation


def test_a_strict_target_is_not_met_by_equality() -> None:
    p = assess(base_year=2020, base_value=60, latest_year=2025, latest_value=65, target=Target(65, 2025, ">"))
    assert not p.target_met
    assert p.status is not Status.ACHIEVED
    q = assess(
        base_year=2020, base_value=60, latest_year=2025, latest_value=65.01, target=Target(65, 2025, ">")
    )
    assert q.status is Status.ACHIEVED


def test_negative_growth_is_deterioration() -> None:
    p = assess(base_year=2020, base_value=21, latest_year=2022, latest_value=19, target=Target(30, 2025))
    assert p.ratio is not None and p.ratio < 0
    assert p.status is Status.DETERIORATION
    assert p.on_schedule is False and "落后于时序进度" in p.explanation
    assert p.score is not None and -5 <= p.score < -2.5


def test_slow_growth_needs_acceleration_or_is_limited() -> None:
    # Required CAGR 2285→3000 over 5 years is 5.596%; 4% observed → R ≈ 0.71.
    p = assess(
        base_year=2020, base_value=2285, latest_year=2021, latest_value=2285 * 1.04, target=Target(3000, 2025)
    )
    assert p.status is Status.ACCELERATE
    q = assess(
        base_year=2020, base_value=2285, latest_year=2021, latest_value=2285 * 1.01, target=Target(3000, 2025)
    )
    assert q.status is Status.LIMITED


def test_zero_base_falls_back_to_linear_change() -> None:
    p = assess(base_year=2020, base_value=0, latest_year=2022, latest_value=8, target=Target(20, 2025))
    assert p.method == "linear"
    assert p.observed_rate == pytest.approx(4) and p.required_rate == pytest.approx(4)
    assert p.ratio == pytest.approx(1.0) and p.status is Status.ON_TRACK
    assert p.rate_still_required == pytest.approx(4)
    assert "增速无定义" in p.explanation


def test_lower_is_better() -> None:
    target = Target(80, 2025, "<=", higher_is_better=False)
    falling = assess(base_year=2020, base_value=100, latest_year=2022, latest_value=90, target=target)
    assert falling.ratio is not None and falling.ratio > 0.95 and falling.status is Status.ON_TRACK
    rising = assess(base_year=2020, base_value=100, latest_year=2022, latest_value=104, target=target)
    assert rising.status is Status.DETERIORATION


def test_approximate_targets_count_within_five_percent() -> None:
    target = Target(20, 2025, "~")
    assert target.is_met_by(19) and not target.is_met_by(18.9)


def test_no_observation_says_so() -> None:
    p = assess(base_year=2020, base_value=1, latest_year=None, latest_value=None, target=Target(2, 2025))
    assert p.status is Status.NO_DATA and "尚无" in p.explanation


@pytest.mark.parametrize(
    ("ratio", "score"), [(-1, -5), (-0.6, -5), (0, -2.5), (0.6, 0), (0.95, 2.5), (1.3, 5), (9, 5)]
)
def test_the_score_knots(ratio: float, score: float) -> None:
    assert score_for_ratio(ratio) == pytest.approx(score)


@given(st.floats(-10, 10, allow_nan=False), st.floats(-10, 10, allow_nan=False))
def test_score_and_status_are_monotonic_in_r(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert score_for_ratio(lo) <= score_for_ratio(hi)
    order = [Status.DETERIORATION, Status.LIMITED, Status.ACCELERATE, Status.ON_TRACK]
    assert order.index(status_for_ratio(lo)) <= order.index(status_for_ratio(hi))


@given(
    base=st.floats(1, 1e6),
    growth=st.floats(-0.5, 1.0),
    target_growth=st.floats(0.01, 1.0),
    elapsed=st.integers(1, 5),
)
def test_hitting_the_required_rate_exactly_is_on_track(
    base: float, growth: float, target_growth: float, elapsed: int
) -> None:
    target_value = base * (1 + target_growth) ** 5
    latest = base * (1 + target_growth) ** elapsed
    assume(math.isfinite(latest))
    p = assess(
        base_year=2020,
        base_value=base,
        latest_year=2020 + elapsed,
        latest_value=latest,
        target=Target(target_value, 2025),
    )
    assert p.status in (Status.ON_TRACK, Status.ACHIEVED)
    if p.ratio is not None and not p.target_met:
        assert p.ratio == pytest.approx(1.0, rel=1e-6)


def test_a_base_already_past_the_target_has_no_time_schedule() -> None:
    p = assess(
        base_year=2020, base_value=7000, latest_year=2024, latest_value=6900, target=Target(5000, 2025, "~")
    )
    assert p.status is Status.ACHIEVED
    assert p.completion is None and p.time_share is None and p.on_schedule is None
    assert "时序进度" not in p.explanation
