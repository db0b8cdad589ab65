"""The import page's batch list and the classification review queue make as many queries for a few
hundred rows as for a few."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wenchuang.accounts.tests.factories import EnterpriseFactory
from wenchuang.classify.models import ClassificationDecision, CultureCategory
from wenchuang.core.testing import assert_flat_query_count
from wenchuang.core.uscc import make_valid
from wenchuang.ingest.models import ImportBatch
from wenchuang.registry.models import District, Enterprise

pytestmark = pytest.mark.django_db


def _batches(user, n: int) -> None:
    ImportBatch.objects.bulk_create(
        ImportBatch(kind="annual", file_name=f"示例{i}.xlsx", sha256=f"{i:064d}", user=user, status="done")
        for i in range(n)
    )


def test_the_batch_list_does_not_query_per_row(data_manager_client, data_manager, city_admin) -> None:
    _batches(data_manager, 2)
    # Batches of several users: the uploader's name is shown on every row.
    assert_flat_query_count(lambda: data_manager_client.get("/import/"), lambda: _batches(city_admin, 300))


def _queue(start: int, n: int) -> None:
    xihu = District.objects.get(code="330106")
    minor = CultureCategory.objects.filter(level=3).order_by("code").first()
    firms = Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_valid(f"91330106MA3{i:06d}"), name=f"示例·待审{i}", gbt_code="7251", district=xihu
        )
        for i in range(start, start + n)
    )
    ClassificationDecision.objects.bulk_create(
        ClassificationDecision(
            enterprise=f,
            category=minor,
            confidence=0.5,
            reason="示例理由",
            method="keyword",
            gbt_code="7251",
            needs_review=True,
            decided_at=timezone.now(),
        )
        for f in firms
    )


def test_the_review_queue_does_not_query_per_row(district_admin_client, reference) -> None:
    EnterpriseFactory()  # an enterprise outside the queue
    _queue(0, 3)
    assert_flat_query_count(lambda: district_admin_client.get("/import/review/"), lambda: _queue(3, 300))
