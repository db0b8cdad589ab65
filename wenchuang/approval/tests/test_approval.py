"""Approval of a district-year, the publication lock on the import path (and undo, and the admin), the
city's audited reopening; reporting completeness checked against a hand count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django_fsm_log.models import StateLog

from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.tests.factories import EnterpriseFactory
from wenchuang.approval import selectors, services
from wenchuang.approval.models import DistrictYear, Reminder, State
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.ingest.services import import_file
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.ingest.undo import UndoRefused, batch_undo
from wenchuang.registry.models import District, Enterprise, EnterpriseYear

pytestmark = pytest.mark.django_db
REG = "统一社会信用代码,企业名称,国民经济行业代码,经营范围,区划代码\n"


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _annual(rows, user=None):
    text = "统一社会信用代码,年度,营业收入（万元）\n" + "".join(f"{u},{y},{v}\n" for u, y, v in rows)
    return import_file(
        kind="annual", data=text.encode(), file_name="a.csv", user=user, mode="valid-only", recompute=False
    )


def _register():
    import_file(
        kind="registration",
        data=(REG + f"{uscc(1)},西湖甲,8610,,330106\n{uscc(2)},滨江乙,8610,,330108\n").encode(),
        file_name="r.csv",
        recompute=False,
    )


def test_approved_district_year_refuses_imports_until_the_city_reopens_it(
    district_admin, city_admin, data_manager
):
    _register()
    first = _annual([(uscc(1), 2023, 100), (uscc(2), 2023, 50)])
    xihu = District.objects.get(code="330106")
    row = services.district_year_submit(user=district_admin, district_id=xihu.pk, year=2023)
    assert row.state == State.SUBMITTED
    with pytest.raises(ForbiddenError):
        services.district_year_approve(user=district_admin, pk=row.pk)
    services.district_year_approve(user=city_admin, pk=row.pk, note="数据核实无误")
    assert selectors.locked_district_years(years=[2023]).keys() == {(xihu.pk, 2023)}
    with pytest.raises(UndoRefused, match="已审核锁定"):
        batch_undo(batch_id=first.pk)

    batch = _annual([(uscc(1), 2023, 999), (uscc(2), 2023, 60), (uscc(1), 2024, 120)], user=data_manager)
    assert (batch.inserted, batch.updated, batch.rejected) == (1, 1, 1)
    reasons = [
        r[3]
        for r in openpyxl.load_workbook(batch.error_path)["错误行"].iter_rows(min_row=2, values_only=True)
    ]
    assert reasons == ["西湖区2023年数据已审核锁定，不能导入或修改；如需更正请市级管理员重新开放"]
    assert EnterpriseYear.objects.get(enterprise__uscc=uscc(1), year=2023).revenue == Decimal("100.00")

    with pytest.raises(DomainError, match="原因"):
        services.district_year_reopen(user=city_admin, pk=row.pk, note="")
    services.district_year_reopen(user=city_admin, pk=row.pk, note="统计局更正营业收入")
    assert not selectors.locked_district_years(years=[2023])
    again = _annual([(uscc(1), 2023, 999)], user=data_manager)
    assert (again.updated, again.rejected) == (1, 0)
    audit = AuditEvent.objects.filter(event="data_change", detail__action="approval_reopen").get()
    assert audit.detail["note"] == "统计局更正营业收入" and audit.username == "city_admin"
    assert [s.transition for s in StateLog.objects.for_(row)] == ["submit", "approve", "reopen"]


def _registration(text: str, user=None):
    return import_file(
        kind="registration",
        data=(REG + text).encode(),
        file_name="r.csv",
        user=user,
        mode="valid-only",
        recompute=False,
    )


def _reasons(batch) -> list[str]:
    sheet = openpyxl.load_workbook(batch.error_path)["错误行"]
    return [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_a_registration_import_moving_a_firm_across_a_locked_district_year_is_refused(
    district_admin, city_admin, data_manager
):
    """Every year of an enterprise's data counts in the district it is registered in now: moving it
    changes the figures of the district it leaves and of the one it joins. Into or out of an approved
    district-year, the move (and the undo of an earlier move) is refused until the city reopens it."""
    _register()  # uscc(1) in 西湖区, uscc(2) in 滨江区
    _annual([(uscc(1), 2023, 100), (uscc(2), 2023, 50)])
    moved_in = _registration(f"{uscc(2)},滨江乙,8610,,330106\n", user=data_manager)  # before the lock
    assert (moved_in.updated, moved_in.rejected) == (1, 0)
    xihu, binjiang = District.objects.get(code="330106"), District.objects.get(code="330108")
    row = services.district_year_submit(user=district_admin, district_id=xihu.pk, year=2023)
    services.district_year_approve(user=city_admin, pk=row.pk)

    with pytest.raises(UndoRefused, match="西湖区2023年数据已审核锁定"):
        batch_undo(batch_id=moved_in.pk)  # would move uscc(2) back out of the locked 西湖区 2023
    batch = _registration(
        f"{uscc(1)},西湖甲,8610,,330108\n"  # out of 西湖区: refused
        f"{uscc(2)},滨江乙（更名）,8610,,330106\n",  # renamed, same district: written
        user=data_manager,
    )
    assert (batch.updated, batch.rejected) == (1, 1)
    assert _reasons(batch) == [
        "该企业由西湖区迁入滨江区，会改变已审核锁定的年度数据："
        "西湖区2023年数据已审核锁定，不能导入或修改；如需更正请市级管理员重新开放"
    ]
    firms = dict(Enterprise.objects.filter(uscc__in=[uscc(1), uscc(2)]).values_list("uscc", "district_id"))
    assert firms == {uscc(1): xihu.pk, uscc(2): xihu.pk}
    # into 西湖区: refused for a firm with 2023 data; a firm with data only in 2024 (unlocked) moves
    _registration(f"{uscc(3)},滨江丙,8610,,330108\n{uscc(4)},滨江丁,8610,,330108\n")
    _annual([(uscc(3), 2023, 30), (uscc(4), 2024, 40)])
    into = _registration(f"{uscc(3)},滨江丙,8610,,330106\n{uscc(4)},滨江丁,8610,,330106\n")
    assert (into.updated, into.rejected) == (1, 1)
    assert _reasons(into)[0].startswith("该企业由滨江区迁入西湖区，会改变已审核锁定的年度数据：西湖区2023年")
    assert Enterprise.objects.get(uscc=uscc(4)).district_id == xihu.pk
    services.district_year_reopen(user=city_admin, pk=row.pk, note="企业迁址更正")
    again = _registration(f"{uscc(1)},西湖甲,8610,,330108\n", user=data_manager)
    assert (again.updated, again.rejected) == (1, 0)
    assert Enterprise.objects.get(uscc=uscc(1)).district_id == binjiang.pk


def test_a_return_carries_reasons_per_enterprise_and_per_check(district_admin, city_admin):
    _register()
    xihu = District.objects.get(code="330106")
    row = services.district_year_submit(user=district_admin, district_id=xihu.pk, year=2023)
    with pytest.raises(DomainError):
        services.district_year_return(user=city_admin, pk=row.pk, reasons=[])
    ent = EnterpriseFactory(uscc=uscc(1))
    services.district_year_return(
        user=city_admin, pk=row.pk, reasons=[services.Reason("营业收入与上年相比异常", enterprise_id=ent.pk)]
    )
    row.refresh_from_db()
    assert row.state == State.RETURNED
    assert list(row.reasons.values_list("round", "enterprise_id", "reason")) == [
        (1, ent.pk, "营业收入与上年相比异常")
    ]
    with pytest.raises(ConflictError):
        services.district_year_approve(user=city_admin, pk=row.pk)
    services.district_year_submit(user=district_admin, district_id=xihu.pk, year=2023)
    assert row.reasons.get().resolved


def test_a_district_office_cannot_submit_another_district(district_admin):
    with pytest.raises(ForbiddenError):
        services.district_year_submit(
            user=district_admin, district_id=District.objects.get(code="330108").pk, year=2023
        )


def test_completeness_matches_a_hand_count_and_chases_above_scale_first(reference, district_admin):
    xihu = District.objects.get(code="330106")
    binjiang = District.objects.get(code="330108")
    a = EnterpriseFactory(name="甲", district=xihu)  # filed
    b = EnterpriseFactory(name="乙", district=xihu)  # above-scale last year, not filed → first to chase
    c = EnterpriseFactory(name="丙", district=xihu)  # not filed
    EnterpriseFactory(name="丁", district=xihu, founded_on=date(2024, 5, 1))  # founded later: not expected
    EnterpriseFactory(name="戊", district=xihu, status="deregistered")  # not in business: not expected
    e = EnterpriseFactory(name="己", district=binjiang)
    EnterpriseYear.objects.create(enterprise=a, year=2023, revenue=10)
    EnterpriseYear.objects.create(enterprise=b, year=2022, revenue=10, is_above_scale=True)
    EnterpriseYear.objects.create(enterprise=e, year=2023, employees=3)
    table = {t.district_id: t for t in selectors.completeness_table(year=2023)}
    assert (table[xihu.pk].expected, table[xihu.pk].filed, table[xihu.pk].rate) == (3, 1, Decimal("33.3"))
    assert table[xihu.pk].missing == [b.pk, c.pk]
    assert (table[xihu.pk].above_expected, table[xihu.pk].above_filed) == (1, 0)
    assert table[None].rate == Decimal("50.0")  # 2 of 4
    assert selectors.completeness_rate(year=2023, district_ids=[binjiang.pk]) == Decimal("100.0")
    chunan = District.objects.get(code="330127")
    assert selectors.completeness_rate(year=2023, district_ids=[chunan.pk]) is None
    assert services.reminders_send(user=district_admin, year=2023) == 2
    assert set(Reminder.objects.values_list("enterprise_id", flat=True)) == {b.pk, c.pk}


def test_locked_rows_are_read_only_in_the_admin(reference, rf, superuser):
    from django.contrib import admin

    ent = EnterpriseFactory()
    ey = EnterpriseYear.objects.create(enterprise=ent, year=2023, revenue=1)
    DistrictYear.objects.create(district=ent.district, year=2023, state=State.APPROVED)
    model_admin = admin.site._registry[EnterpriseYear]
    request = rf.get("/")
    request.user = superuser
    assert not model_admin.has_change_permission(request, ey)
    assert not model_admin.has_delete_permission(request, ey)
    assert model_admin.has_change_permission(
        request, EnterpriseYear.objects.create(enterprise=ent, year=2022)
    )
