"""The approval and completeness pages: who does what through the web, and no query per row."""

from __future__ import annotations

import pytest

from wenchuang.accounts.tests.factories import EnterpriseFactory
from wenchuang.approval.models import DistrictYear, Reminder, State
from wenchuang.registry.models import District, EnterpriseYear

pytestmark = pytest.mark.django_db


def test_a_district_submits_and_the_city_returns_then_approves_and_reopens(
    district_admin_client, city_admin_client, enterprise
):
    xihu = District.objects.get(code="330106")
    r = district_admin_client.post("/approval/submit/", {"district": xihu.pk, "year": 2023})
    assert r.status_code == 302
    row = DistrictYear.objects.get(district=xihu, year=2023)
    assert row.state == State.SUBMITTED
    page = city_admin_client.get(f"/approval/{row.pk}/").content.decode()
    assert "审核通过并锁定" in page
    city_admin_client.post(
        f"/approval/{row.pk}/decide/",
        {"action": "return", "enterprise_reasons": f"{enterprise.uscc}：营业收入缺失"},
    )
    row.refresh_from_db()
    assert row.state == State.RETURNED and row.reasons.get().enterprise_id == enterprise.pk
    bad = city_admin_client.post(
        f"/approval/{row.pk}/decide/", {"action": "return", "enterprise_reasons": "NOTAUSCC：x"}, follow=True
    )
    assert "不是已登记企业的统一社会信用代码" in bad.content.decode()
    district_admin_client.post("/approval/submit/", {"district": xihu.pk, "year": 2023})
    city_admin_client.post(f"/approval/{row.pk}/decide/", {"action": "approve"})
    row.refresh_from_db()
    assert row.state == State.APPROVED
    refused = city_admin_client.post(f"/approval/{row.pk}/decide/", {"action": "reopen"}, follow=True)
    assert "重新开放须填写原因" in refused.content.decode()
    city_admin_client.post(f"/approval/{row.pk}/decide/", {"action": "reopen", "note": "更正"})
    row.refresh_from_db()
    assert row.state == State.OPEN
    log = city_admin_client.get(f"/approval/{row.pk}/").content.decode()
    assert "审核通过</td><td>待审核 → 已审核（锁定）" in log and "重新开放</td>" in log


def test_a_district_cannot_submit_another_district(district_admin_client):
    binjiang = District.objects.get(code="330108")
    assert (
        district_admin_client.post("/approval/submit/", {"district": binjiang.pk, "year": 2023}).status_code
        == 403
    )
    assert not DistrictYear.objects.exists()


def test_reminders_reach_the_enterprise(district_admin_client, enterprise_user_client, enterprise):
    district_admin_client.post("/approval/reminders/send/", {"year": 2023})
    assert Reminder.objects.filter(enterprise=enterprise, year=2023).count() == 1
    page = enterprise_user_client.get("/approval/reminders/").content.decode()
    assert "2023年度" in page


def test_the_pages_do_not_query_per_row(city_admin_client, reference, django_assert_max_num_queries):
    districts = list(District.objects.all())
    for i in range(300):
        e = EnterpriseFactory(district=districts[i % len(districts)])
        if i % 3:
            EnterpriseYear.objects.create(enterprise=e, year=2023, revenue=1)
    for d in districts:
        DistrictYear.objects.create(district=d, year=2023)
    with django_assert_max_num_queries(20):
        assert city_admin_client.get("/approval/?year=2023").status_code == 200
    with django_assert_max_num_queries(20):
        page = city_admin_client.get("/approval/completeness/?year=2023")
    assert page.status_code == 200 and "66.7%" in page.content.decode()  # 200 of 300 filed


def test_the_city_returns_by_failed_validation_checks_of_that_district_year_only(
    district_admin_client, city_admin_client, enterprise
):
    from django.utils import timezone

    from wenchuang.stats.models import ValidationRule, ValidationViolation

    rule = ValidationRule.objects.create(
        code="va_le_output",
        name="增加值不大于总产出",
        left="value_added",
        operator="<=",
        right="total_output",
    )
    ey = EnterpriseYear.objects.create(enterprise=enterprise, year=2023, revenue=1)
    xihu = District.objects.get(code="330106")
    district_admin_client.post("/approval/submit/", {"district": xihu.pk, "year": 2023})
    # the submission re-ran the rules; a violation found now (as if by the run) is shown and can be returned
    v = ValidationViolation.objects.create(
        rule=rule,
        enterprise_year=ey,
        enterprise=enterprise,
        district=xihu,
        year=2023,
        found_at=timezone.now(),
    )
    other = ValidationViolation.objects.create(
        rule=rule,
        enterprise_year=EnterpriseYear.objects.create(enterprise=enterprise, year=2022, revenue=1),
        enterprise=enterprise,
        district=xihu,
        year=2022,
        found_at=timezone.now(),
    )
    row = DistrictYear.objects.get()
    assert "增加值不大于总产出" in city_admin_client.get(f"/approval/{row.pk}/").content.decode()
    city_admin_client.post(f"/approval/{row.pk}/decide/", {"action": "return", "violation": [v.pk, other.pk]})
    row.refresh_from_db()
    assert row.state == State.RETURNED
    assert list(row.reasons.values_list("rule_id", "enterprise_id", "reason")) == [
        (rule.pk, enterprise.pk, "未通过校验：增加值不大于总产出")
    ]
