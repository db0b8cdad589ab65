"""The drafted sections' wording (pure)."""

from __future__ import annotations

from wenchuang.reports.sections import _growth


def test_a_drafted_decline_says_下降_not_a_negative_growth() -> None:
    assert _growth("年均", -0.925) == "，年均下降92.5%"
    assert _growth("年均", 0.056) == "，年均增长5.6%"
    assert _growth("年均", None) == ""
