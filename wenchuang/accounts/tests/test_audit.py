"""The audit log is append-only for everyone, superuser included, and readable by the 审计管理员."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from wenchuang.accounts.audit import audit_purge, audit_record
from wenchuang.accounts.models import AuditEvent, AuditLogError
from wenchuang.cli import main as cli_main

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


# ------------------------------------------------------------------------------ retention purge


def aged_row(days: float, username: str) -> AuditEvent:
    row = AuditEvent(
        created_at=timezone.now() - timedelta(days=days),
        event=AuditEvent.Event.LOGIN,
        outcome=AuditEvent.Outcome.SUCCESS,
        username=username,
        ip="10.0.0.1",
        detail={"note": '含逗号,与"引号"'},
    )
    row.save()
    return row


def purge(*args: str) -> str:
    out = StringIO()
    call_command("audit", "purge", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def aged(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return {
        "old": aged_row(400, "old"),
        "just_old": aged_row(181, "just_old"),
        "just_young": aged_row(179, "just_young"),
        "recent": aged_row(1, "recent"),
    }


def test_purge_archives_then_deletes_only_rows_past_the_retention_period(aged, tmp_path):
    result = json.loads(purge("--json"))

    assert result["count"] == 2 and result["dry_run"] is False
    remaining = set(AuditEvent.objects.values_list("username", flat=True))
    assert {"just_young", "recent"} <= remaining and not {"old", "just_old"} & remaining
    archive = Path(result["archive"])
    assert archive.parent == tmp_path / "audit-archive"
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == result["sha256"]
    assert Path(f"{archive}.sha256").read_text().split() == [result["sha256"], archive.name]
    with archive.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["username"] for r in rows] == ["old", "just_old"]
    # Nothing lost: every field comes back exactly.
    assert rows[0]["id"] == str(aged["old"].pk)
    assert datetime.fromisoformat(rows[0]["created_at"]) == aged["old"].created_at
    assert (rows[0]["ip"], rows[0]["event"]) == ("10.0.0.1", "login")
    assert json.loads(rows[0]["detail"]) == {"note": '含逗号,与"引号"'}


def test_purge_records_itself_in_the_audit_log(aged):
    result = json.loads(purge("--json"))

    entry = AuditEvent.objects.get(pk=result["audit_id"])
    assert (entry.username, entry.event, entry.object_type) == (
        "system",
        "data_change",
        "accounts.AuditEvent",
    )
    assert entry.detail["action"] == "audit_purge"
    assert entry.detail["deleted"] == 2
    assert entry.detail["older_than_days"] == 180
    assert entry.detail["archive"] == result["archive"]
    assert entry.detail["sha256"] == result["sha256"]
    assert datetime.fromisoformat(entry.detail["cutoff"]) == datetime.fromisoformat(result["cutoff"])


def test_purge_prints_the_archive_and_its_checksum(aged):
    out = purge()

    assert "已归档并删除" in out and "2 条" in out
    archive = next((Path(settings.VAR_DIR) / "audit-archive").glob("*.csv"))
    assert str(archive) in out
    assert f"SHA-256：{hashlib.sha256(archive.read_bytes()).hexdigest()}" in out


def test_a_dry_run_changes_nothing(aged, tmp_path):
    before = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))

    result = json.loads(purge("--dry-run", "--json"))

    assert result["count"] == 2 and result["archive"] is None and result["audit_id"] is None
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert not (tmp_path / "audit-archive").exists()
    assert "未做任何改动" in purge("--dry-run")


def test_a_longer_period_keeps_more(aged):
    assert json.loads(purge("--older-than-days", "365", "--json"))["count"] == 1
    assert set(AuditEvent.objects.filter(event="login").values_list("username", flat=True)) == {
        "just_old",
        "just_young",
        "recent",
    }


@pytest.mark.parametrize("days", ["179", "30", "0", "-1"])
def test_it_refuses_a_period_below_the_legal_minimum(aged, days):
    count = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="180"):
        purge("--older-than-days", days)

    assert AuditEvent.objects.count() == count


def test_the_console_script_exits_non_zero_when_refused(aged, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["wenchuang", "audit", "purge", "--older-than-days", "90"])

    assert exit_info.value.code != 0
    assert "至少保留180天" in capsys.readouterr().err


def test_the_database_still_refuses_to_delete_a_recent_row_after_a_purge(aged):
    purge()
    table = AuditEvent._meta.db_table
    for name in ("just_young", "recent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [aged[name].pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk__in=[aged["just_young"].pk, aged["recent"].pk]).count() == 2


def test_when_the_database_refuses_the_delete_nothing_changes_and_no_archive_is_left(aged, tmp_path):
    # An application clock ten days ahead would put a 179-day-old row past the cut-off; the trigger
    # (which uses the database's clock) refuses, the transaction rolls back and the copy is removed.
    count = AuditEvent.objects.count()

    with pytest.raises(DatabaseError):
        audit_purge(older_than_days=180, now=timezone.now() + timedelta(days=10))

    assert AuditEvent.objects.count() == count
    assert list((tmp_path / "audit-archive").glob("*")) == []
