"""The report centre's history makes as many queries for a few hundred reports as for a few."""

from __future__ import annotations

import pytest

from wenchuang.core.testing import assert_flat_query_count
from wenchuang.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db


def _reports(users, n: int) -> None:
    GeneratedReport.objects.bulk_create(
        GeneratedReport(
            kind="monitoring",
            plan_code="hangzhou-14th-culture",
            year=2024,
            format="pdf",
            district_codes=[],
            created_by=users[i % len(users)],
        )
        for i in range(n)
    )


def test_the_report_history_does_not_query_per_row(city_admin_client, city_admin, data_manager) -> None:
    _reports([city_admin], 2)
    assert_flat_query_count(
        lambda: city_admin_client.get("/reports/"), lambda: _reports([city_admin, data_manager], 300)
    )
