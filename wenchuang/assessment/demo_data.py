"""Demo rows of this app: tasks of the six programmes with reports and the assessment.

Added by `wenchuang demo`, which finds this module by walking the app configs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wenchuang.assessment.demo import demo_assessment


def demo_extend(*, seed: int, progress: Callable[[str], Any] | None = None) -> dict[str, int]:
    return demo_assessment(seed=seed)
