from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from wenchuang.classify.reference import reference_load

PLAN_FILE = Path(settings.DATA_DIR) / "plans" / "hangzhou-14th-culture.yaml"


@pytest.fixture
def reference(db: None) -> None:
    """Districts (and the culture classification) must exist before a plan can refer to them."""
    reference_load()


@pytest.fixture
def plan_file() -> Path:
    return PLAN_FILE
