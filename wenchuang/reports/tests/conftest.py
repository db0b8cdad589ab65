"""Demo data for the report tests: the calibrated demo set (2000 enterprises, 2015–2025), rolled up and
with stored indicator values, as `wenchuang demo` + `wenchuang stats recompute` would leave it. Built
once per test module (it takes most of a module's time), inside a transaction rolled back at the end;
each test runs in its own savepoint within it, so what one test writes the next does not see."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from wenchuang.demo.generate import demo_generate
from wenchuang.plan.services import plan_load
from wenchuang.stats import selectors, services
from wenchuang.stats.tests import factories as f

PLAN = "hangzhou-14th-culture"


@pytest.fixture
def plan(reference) -> None:  # type: ignore[no-untyped-def]
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("reports")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            f.load_reference()
            plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
            demo_generate(enterprises=2000)
            services.rollup_refresh()
            services.indicator_values_recompute(plan_code=PLAN)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_data, db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path  # the documents a test generates go to its own directory


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
