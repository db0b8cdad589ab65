"""In a province deployment a city office sees the financing rows of its own city's enterprises only;
the province office (unbound) sees all of them, and the risk-pool ledger stays the province office's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory
from wenchuang.classify.reference import reference_load
from wenchuang.finance import selectors
from wenchuang.finance.models import FinancingDemand, PoolLoan
from wenchuang.finance.tests.factories import InstitutionFactory
from wenchuang.registry.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(settings):
    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    reference_load()
    bank = InstitutionFactory(name="示例银行")
    out = {}
    for code in ("330212", "330106"):  # 鄞州区 (宁波市), 西湖区 (杭州市)
        firm = EnterpriseFactory(district=District.objects.get(code=code))
        demand = FinancingDemand.objects.create(
            enterprise=firm, amount=Decimal("100"), purpose="测试", term_months=12
        )
        loan = PoolLoan.objects.create(
            institution=bank,
            enterprise=firm,
            principal=Decimal("100"),
            rate=Decimal("4"),
            start_on=date(2025, 1, 1),
            term_months=12,
        )
        out[code] = (demand, loan)
    return out


def test_a_city_office_sees_its_citys_financing_rows_only(rows) -> None:
    ningbo = UserFactory(role=Role.CITY_ADMIN, region_code="330200")
    assert list(selectors.demand_list_for_user(user=ningbo)) == [rows["330212"][0]]
    assert list(selectors.loan_list_for_user(user=ningbo)) == [rows["330212"][1]]
    assert selectors.entry_list_for_user(user=ningbo).query.is_empty()  # the pool ledger is the province's


def test_the_province_office_sees_them_all(rows) -> None:
    office = UserFactory(role=Role.CITY_ADMIN)
    assert set(selectors.demand_list_for_user(user=office)) == {d for d, _ in rows.values()}
    assert set(selectors.loan_list_for_user(user=office)) == {loan for _, loan in rows.values()}
    assert not selectors.entry_list_for_user(user=office).query.is_empty()
