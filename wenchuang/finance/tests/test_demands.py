"""Financing demands: shared only with the chosen institutions, answered, granted, logged, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, ForbiddenError
from wenchuang.finance import selectors, services
from wenchuang.finance.models import FinancingDemand, PoolLoan
from wenchuang.finance.tests.factories import InstitutionFactory, finance_user_for
from wenchuang.registry.selectors import ObjectNotAccessible


@pytest.fixture
def banks(db):
    return InstitutionFactory(name="甲银行"), InstitutionFactory(name="乙银行")


@pytest.fixture
def demand(enterprise_user, banks):
    return services.demand_create(
        user=enterprise_user,
        amount="300",
        purpose="数字内容制作",
        term_months="12",
        contact_name="张三丰",
        contact_phone="13812345678",
        institution_ids=[banks[0].pk],
    )


def test_only_the_chosen_bank_sees_the_demand(demand, banks, enterprise_user):
    a, b = finance_user_for(banks[0], "bank_a"), finance_user_for(banks[1], "bank_b")
    assert list(selectors.demand_list_for_user(user=a)) == [demand]
    assert list(selectors.demand_list_for_user(user=b)) == []
    with pytest.raises(ObjectNotAccessible):
        selectors.demand_get_for_user(user=b, pk=demand.pk)
    with pytest.raises(ObjectNotAccessible):
        selectors.demand_get_for_user(user=b, pk=999999)
    with pytest.raises(ObjectNotAccessible):
        services.demand_respond(user=b, demand_id=demand.pk, kind="decline", reason="不符合")


def test_the_bank_sees_the_contact_masked_and_the_enterprise_in_full(demand, banks, enterprise_user):
    a = finance_user_for(banks[0], "bank_a")
    assert selectors.demand_contact(user=a, demand=demand) == {
        "name": "张**",
        "phone": "138****5678",
        "masked": "yes",
    }
    assert selectors.demand_contact(user=enterprise_user, demand=demand)["phone"] == "13812345678"


def test_offer_then_grant_is_logged_audited_and_reported(demand, banks):
    a = finance_user_for(banks[0], "bank_a")
    services.demand_respond(user=a, demand_id=demand.pk, kind="offer", amount="300", rate_value="3.95")
    services.demand_grant(user=a, demand_id=demand.pk, amount="280", rate_value="3.85", register_in_pool=True)
    demand = FinancingDemand.objects.get(pk=demand.pk)
    assert demand.state == FinancingDemand.State.GRANTED
    assert (demand.granted_by, demand.granted_amount) == (banks[0], Decimal("280.00"))
    assert [s.state for s in StateLog.objects.for_(demand).order_by("timestamp")] == ["offered", "granted"]
    assert PoolLoan.objects.get(demand=demand).principal == Decimal("280.00")
    actions = set(AuditEvent.objects.filter(event="data_change").values_list("detail__action", flat=True))
    assert {"demand_create", "demand_offer", "demand_grant", "loan_register"} <= actions
    report = selectors.demand_report(user=a)
    assert (report.demands, report.answered, report.granted, report.match_rate) == (1, 1, 1, 1.0)


def test_a_decline_needs_a_reason_and_a_second_answer_is_refused(demand, banks):
    a = finance_user_for(banks[0], "bank_a")
    with pytest.raises(services.FinanceError, match="原因"):
        services.demand_respond(user=a, demand_id=demand.pk, kind="decline")
    services.demand_respond(user=a, demand_id=demand.pk, kind="decline", reason="行业不符")
    with pytest.raises(ConflictError):
        services.demand_respond(user=a, demand_id=demand.pk, kind="offer", amount="1", rate_value="4")
    demand = FinancingDemand.objects.get(pk=demand.pk)
    assert demand.state == FinancingDemand.State.PUBLISHED


def test_grant_without_an_offer_is_refused_and_changes_nothing(demand, banks):
    a = finance_user_for(banks[0], "bank_a")
    with pytest.raises(ConflictError):
        services.demand_grant(user=a, demand_id=demand.pk, amount="10", rate_value="4", register_in_pool=True)
    assert not PoolLoan.objects.exists()


def test_bad_input_gets_a_chinese_message(enterprise_user, banks):
    with pytest.raises(services.FinanceError, match="融资金额须为数字"):
        services.demand_create(
            user=enterprise_user, amount="abc", purpose="x", term_months="12", institution_ids=[banks[0].pk]
        )
    with pytest.raises(services.FinanceError, match="至少选择一家"):
        services.demand_create(
            user=enterprise_user, amount="5", purpose="x", term_months="12", institution_ids=[]
        )
    assert not FinancingDemand.objects.exists()


def test_only_an_enterprise_posts_demands(finance_user, banks):
    with pytest.raises(ForbiddenError):
        services.demand_create(
            user=finance_user, amount="5", purpose="x", term_months="1", institution_ids=[1]
        )
