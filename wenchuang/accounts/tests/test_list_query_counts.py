"""The audit log makes as many queries for a few hundred events as for a few."""

from __future__ import annotations

import pytest

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.testing import assert_flat_query_count

pytestmark = pytest.mark.django_db


def _events(user, n: int) -> None:
    for i in range(n):
        audit_record(event=AuditEvent.Event.EXPORT, user=user, detail={"n": i})


def test_the_audit_log_does_not_query_per_row(audit_admin_client, audit_admin, city_admin) -> None:
    _events(city_admin, 3)
    assert_flat_query_count(
        lambda: audit_admin_client.get("/accounts/audit/"), lambda: _events(audit_admin, 300)
    )
