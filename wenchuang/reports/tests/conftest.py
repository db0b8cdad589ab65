"""Demo data for the report tests: the calibrated demo set (2000 enterprises, 2015–2025), rolled up and
with stored indicator values, as `wenchuang demo` + `wenchuang stats recompute` would leave it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from wenchuang.demo.generate import demo_generate
from wenchuang.plan.services import plan_load
from wenchuang.stats import selectors, services
from wenchuang.stats.tests import factories as f

PLAN = "hangzhou-14th-culture"


@pytest.fixture
def plan(reference) -> None:  # type: ignore[no-untyped-def]
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")


@pytest.fixture
def demo(plan, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    f.load_reference()
    demo_generate(enterprises=2000)
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=PLAN)


def api_values(year: int) -> dict[str, dict]:
    """The indicator endpoint's body (what the tests compare the documents with)."""
    body = json.loads(selectors.indicator_values_json(plan_code=PLAN, year=year))
    return {d["code"]: d for d in body["indicators"]}


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils (pdftotext) is installed by scripts/system-deps.sh"
    out = subprocess.run(  # noqa: S603 — fixed arguments
        [exe, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout
