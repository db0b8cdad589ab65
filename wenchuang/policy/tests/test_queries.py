"""List pages make a fixed number of queries, whatever the number of applications (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.policy.models import Application, FactCorrection, Policy
from wenchuang.policy.seed import seed_demo_policies

pytestmark = pytest.mark.django_db


def _applications(n: int, xihu) -> None:
    policy = Policy.objects.get(code="demo-park-certification")
    version = policy.versions.get()
    firms = [EnterpriseFactory(district=xihu) for _ in range(n)]
    Application.objects.bulk_create(
        [Application(policy=policy, version=version, enterprise=f) for f in firms]
    )
    Application.objects.filter(enterprise__in=firms).update(state=Application.State.SUBMITTED)
    FactCorrection.objects.bulk_create(
        [FactCorrection(enterprise=f, kind="review", message="复核", policy=policy) for f in firms]
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/policy/reviews/", "/policy/effect/", "/policy/effect/?by=district"])
def test_list_pages_do_not_grow_with_the_rows(reference, xihu, district_admin, url):
    seed_demo_policies()
    client = logged_in_client(district_admin)
    _applications(5, xihu)
    _count(client, url)  # warm: per-process caches (coded-fact labels) and the session's first write
    few = _count(client, url)
    _applications(200, xihu)
    assert _count(client, url) == few
