"""Demo rows of this app: district-year approval states and filing reminders.

Added by `wenchuang demo`, which finds this module by walking the app configs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wenchuang.approval.demo import demo_approval


def demo_extend(*, seed: int, progress: Callable[[str], Any] | None = None) -> dict[str, int]:
    return demo_approval()
