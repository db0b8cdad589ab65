"""The audit log is append-only for everyone, superuser included, and readable by the 审计管理员."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent, AuditLogError

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(db):
    return audit_record(event=AuditEvent.Event.EXPORT, username="someone", detail={"rows": 3})


def test_it_refuses_to_save_an_existing_row(row):
    row.outcome = AuditEvent.Outcome.FAILURE
    with pytest.raises(AuditLogError):
        row.save()


def test_it_refuses_to_delete_a_row(row):
    with pytest.raises(AuditLogError):
        row.delete()


def test_it_refuses_queryset_update_and_delete(row):
    with pytest.raises(AuditLogError):
        AuditEvent.objects.filter(pk=row.pk).update(outcome="failure")
    with pytest.raises(AuditLogError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogError):
        AuditEvent.objects.bulk_update([row], ["outcome"])


def test_the_database_refuses_update_and_delete_behind_the_orm(row):
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET outcome = 'failure'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=row.pk).outcome == "success"


def test_the_admin_offers_no_add_change_or_delete(audit_admin_client, superuser_client, row):
    url = reverse("admin:accounts_auditevent_changelist")
    assert audit_admin_client.get(url).status_code == 200
    # Separation of duties: the system administrator (superuser) cannot read the log at all.
    assert superuser_client.get(url).status_code == 403
    assert audit_admin_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        audit_admin_client.post(
            reverse("admin:accounts_auditevent_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_a_login_writes_who_when_where_and_request_id(anonymous_client, city_admin):
    anonymous_client.post(
        reverse("accounts:login"), {"username": "city_admin", "password": "Wenchuang-Test-2025!"}
    )
    event = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN)
    assert (event.username, event.role, event.ip, event.outcome) == (
        "city_admin",
        "city_admin",
        "127.0.0.1",
        "success",
    )
    assert len(event.request_id) == 32
    assert event.created_at is not None


def test_a_failed_login_is_audited(anonymous_client, city_admin):
    anonymous_client.post(reverse("accounts:login"), {"username": "city_admin", "password": "wrong"})
    assert (
        AuditEvent.objects.filter(event="login_failed", username="city_admin", outcome="failure").count() == 1
    )


def test_a_data_change_is_audited_with_history(city_admin, enterprise):
    enterprise.name = "改名后的企业"
    enterprise.save()
    assert (
        AuditEvent.objects.filter(
            event="data_change", object_type="registry.Enterprise", object_id=str(enterprise.pk)
        ).count()
        == 2
    )
    last = enterprise.history.first()
    assert last.prev_record.name != last.name  # per-record history: before/after


def test_the_audit_admin_filters_the_log(audit_admin_client, row):
    audit_record(event=AuditEvent.Event.LOGIN, username="another")
    response = audit_admin_client.get(reverse("accounts:audit_list"), {"event": "export"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [row]


def test_the_audit_admin_exports_the_log_and_the_export_is_audited(audit_admin_client, row):
    response = audit_admin_client.get(reverse("accounts:audit_export"))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("时间,用户名")
    assert "someone" in body
    assert AuditEvent.objects.filter(event="export", username="audit_admin").exists()


@pytest.mark.parametrize("actor", ["city_admin_client", "system_admin_client", "security_admin_client"])
def test_other_roles_cannot_read_the_log_and_the_denial_is_audited(request, actor):
    client = request.getfixturevalue(actor)
    assert client.get(reverse("accounts:audit_list")).status_code == 403
    denial = AuditEvent.objects.get(event="permission_denied")
    assert denial.path == reverse("accounts:audit_list")
    assert denial.outcome == "denied"
