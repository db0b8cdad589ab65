"""Demo rows of this app: key projects (示例) through their lifecycle.

Added by `wenchuang demo`, which finds this module by walking the app configs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wenchuang.projects.demo import demo_projects


def demo_extend(*, seed: int, progress: Callable[[str], Any] | None = None) -> dict[str, int]:
    return demo_projects(seed=seed)
