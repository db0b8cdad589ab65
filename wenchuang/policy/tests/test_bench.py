"""The policy benchmark end to end on a small scale: the three contenders select the same firms and
the hand-written SQL writer agrees with the compiler on generated rules."""

from __future__ import annotations

import pytest

from wenchuang.policy import bench

pytestmark = pytest.mark.django_db


def test_bench_runs_and_the_three_select_the_same(reference):
    result = bench.run(enterprises=300, policies=8)
    assert result["enterprises"] == 300
    assert result["same_selection"] is True
    assert result["selected_total"] > 0
