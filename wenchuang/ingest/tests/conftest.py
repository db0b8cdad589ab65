from __future__ import annotations

import pytest

from wenchuang.core.uscc import make_valid


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


def uscc(n: int) -> str:
    return make_valid(f"91330106MA{n:07d}")
