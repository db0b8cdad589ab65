"""The /finance/ pages and /api/v1/finance/ endpoints: scoping, masking, query counts that do not grow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.finance import services
from wenchuang.finance.models import FinancingDemand
from wenchuang.finance.tests.factories import InstitutionFactory, ProductFactory, finance_user_for


def _demands(n: int, inst, firms) -> None:
    for i in range(n):
        d = FinancingDemand.objects.create(
            enterprise=firms[i % len(firms)], amount=Decimal(10 + i), purpose="测试", term_months=12
        )
        d.shared_with.set([inst])


@pytest.mark.django_db
def test_the_demand_list_is_scoped_and_its_queries_do_not_grow(enterprise):
    bank, other = InstitutionFactory(name="甲银行"), InstitutionFactory(name="乙银行")
    firms = [EnterpriseFactory() for _ in range(5)]
    _demands(20, bank, firms)
    _demands(5, other, firms)
    client = logged_in_client(finance_user_for(bank, "bank_a"))
    with CaptureQueriesContext(connection) as small:
        body = client.get("/finance/demands/").content.decode()
    assert body.count('class="wc-demand-row"') == 20
    _demands(200, bank, firms)
    with CaptureQueriesContext(connection) as big:
        client.get("/finance/demands/?page=2")
    assert len(big) <= len(small) + 1, [q["sql"] for q in big.captured_queries]


@pytest.mark.django_db
def test_the_enterprise_page_shows_score_reasons_and_products(enterprise_user_client, enterprise):
    ProductFactory(name="示例·不限贷", eligibility={})
    with CaptureQueriesContext(connection) as small:
        body = enterprise_user_client.get("/finance/score/").content.decode()
    assert "示例·不限贷" in body and "符合" in body
    for i in range(30):
        ProductFactory(name=f"贷{i}", eligibility={">=": [{"var": "credit_score"}, 600]})
    with CaptureQueriesContext(connection) as big:
        body = enterprise_user_client.get("/finance/score/").content.decode()
    assert "信用评分" in body and "缺数据" in body
    assert len(big) <= len(small) + 2, [q["sql"] for q in big.captured_queries]


@pytest.mark.django_db
def test_the_api_masks_the_contact_for_the_bank_and_refuses_another(enterprise_user):
    bank, other = InstitutionFactory(name="甲银行"), InstitutionFactory(name="乙银行")
    demand = services.demand_create(
        user=enterprise_user,
        amount="50",
        purpose="设备",
        term_months="6",
        contact_name="李四",
        contact_phone="13700001111",
        institution_ids=[bank.pk],
    )
    a = logged_in_client(finance_user_for(bank, "bank_a"))
    body = a.get(f"/api/v1/finance/demands/{demand.pk}/").json()
    assert body["contact"] == {"name": "李*", "phone": "137****1111", "masked": "yes"}
    b = logged_in_client(finance_user_for(other, "bank_b"))
    assert b.get(f"/api/v1/finance/demands/{demand.pk}/").status_code == 403
    assert b.get("/api/v1/finance/demands/").json() == []
    r = a.post(
        f"/api/v1/finance/demands/{demand.pk}/responses/",
        {"kind": "offer", "amount": "50", "rate": "3.9"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = a.post(
        f"/api/v1/finance/demands/{demand.pk}/responses/",
        {"kind": "offer", "amount": "50", "rate": "3.9"},
        content_type="application/json",
    )
    assert r.status_code == 409 and "已答复" in r.json()["detail"]


@pytest.mark.django_db
def test_the_points_table_is_public(anonymous_client, reference):
    body = anonymous_client.get("/finance/scorecard/").content.decode()
    assert "纳税信用等级" in body and "1000" in body
    api = anonymous_client.get("/api/v1/finance/scorecard/").json()
    assert api["code"] == "2026.1" and len(api["table"]["attributes"]) == 12
