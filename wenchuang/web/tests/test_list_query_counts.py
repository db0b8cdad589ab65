"""The talent and platform libraries make as many queries for a few hundred rows as for a few."""

from __future__ import annotations

import pytest

from wenchuang.core.testing import assert_flat_query_count
from wenchuang.registry.models import District, Platform, Talent

pytestmark = pytest.mark.django_db


def _talents(n: int, start: int = 0) -> None:
    districts = list(District.objects.order_by("code"))
    Talent.objects.bulk_create(
        Talent(name=f"示例·人才{i}", category=Talent.Category.OTHER, district=districts[i % len(districts)])
        for i in range(start, start + n)
    )


def _platforms(n: int, start: int = 0) -> None:
    districts = list(District.objects.order_by("code"))
    Platform.objects.bulk_create(
        Platform(name=f"示例·平台{i}", district=districts[i % len(districts)], recognized_year=2020)
        for i in range(start, start + n)
    )


def test_the_talent_library_does_not_query_per_row(data_manager_client, reference) -> None:
    _talents(3)
    assert_flat_query_count(lambda: data_manager_client.get("/talents/"), lambda: _talents(300, 3))


def test_the_platform_library_does_not_query_per_row(anonymous_client, reference) -> None:
    _platforms(3)
    assert_flat_query_count(lambda: anonymous_client.get("/platforms/"), lambda: _platforms(300, 3))
