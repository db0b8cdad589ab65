"""`wenchuang bench stats` generates exactly N enterprise-years and reports both comparisons."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from wenchuang.demo import benchdata
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.stats import services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_generates_exactly_n_rows_that_reconcile_and_clears_them() -> None:
    f.load_reference()
    benchdata.generate(enterprise_years=777)
    assert EnterpriseYear.objects.count() == 777
    services.rollup_refresh()
    assert services.rollup_reconcile().ok
    benchdata.clear()
    assert not Enterprise.objects.exists()
    assert not EnterpriseYear.objects.exists()


def test_the_bench_command_reports_both_ratios() -> None:
    out = StringIO()
    call_command(
        "bench",
        "stats",
        "--enterprise-years",
        "300",
        "--repeat",
        "1",
        "--requests",
        "3",
        "--indicator-years",
        "2022",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["enterprise_years"] == 300
    assert result["rollup"]["reconcile_ok"] is True
    assert result["rollup"]["ratio"] > 0
    assert result["indicator_api"]["queries_per_request"] == 1
    assert result["indicator_api"]["median_ratio"] > 0
