"""Product eligibility on the shared rule engine: each condition explained for one enterprise, and the
same enterprises selected by the compiled SQL condition."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wenchuang.finance import eligibility, selectors, services
from wenchuang.finance.models import CreditScore
from wenchuang.finance.tests.factories import (
    InstitutionFactory,
    ProductFactory,
    finance_user_for,
    random_firms,
)
from wenchuang.rules.logic import RuleError

YEAR = 2024
ON = date(2025, 6, 1)  # data year 2024
RULE = {"and": [{">=": [{"var": "credit_score"}, 550]}, {"<=": [{"var": "founded_on"}, {"years_ago": 3}]}]}


@pytest.mark.django_db
def test_explanations_and_the_compiled_rule_select_the_same_firms(reference):
    firms = random_firms(120, year=YEAR, seed=7)
    services.scores_compute(year=YEAR)
    explained = eligibility.explain_many(firms[0], [RULE], on=ON)[0]
    assert len(explained.reasons) == 2 and explained.reasons[0].startswith("信用评分")
    selected = eligibility.qualifying_enterprises(RULE, on=ON)
    by_python = set()
    scores = dict(CreditScore.objects.filter(year=YEAR).values_list("enterprise_id", "total"))
    for f in firms:
        founded_ok = f.founded_on is not None and f.founded_on <= date(2022, 6, 1)
        if scores.get(f.pk) is not None and scores[f.pk] >= 550 and founded_ok:
            by_python.add(f.pk)
    assert set(selected) == by_python
    assert 0 < len(by_python) < len(firms)
    for f in firms[:30]:
        assert eligibility.explain_many(f, [RULE], on=ON)[0].eligible == (f.pk in by_python)


@pytest.mark.django_db
def test_an_enterprise_sees_every_product_with_reasons_and_hints(enterprise):
    ProductFactory(name="高门槛贷", eligibility={">=": [{"var": "credit_score"}, 900]})
    ProductFactory(name="不限贷", eligibility={})
    ProductFactory(name="数字贷", eligibility={}, target_majors=["01"])
    rows = {p.name: e for p, e in selectors.product_matches(enterprise=enterprise)}
    assert rows["不限贷"].eligible
    high = rows["高门槛贷"]
    assert not high.eligible and "缺数据" in high.reasons[0] and high.hints
    assert not rows["数字贷"].eligible and "文化产业大类" in rows["数字贷"].reasons[0]


@pytest.mark.django_db
def test_a_bank_publishes_a_product_with_a_rule_the_engine_checks(reference):
    bank = finance_user_for(InstitutionFactory(name="甲银行"), "bank_a")
    data = {
        "name": "新产品",
        "kind": "credit_loan",
        "rate_min": "3.5",
        "rate_max": "4.5",
        "amount_min": "10",
        "amount_max": "500",
        "term_months_max": "24",
        "eligibility": {">=": [{"var": "no_such_fact"}, 1]},
    }
    with pytest.raises(RuleError):
        services.product_create(user=bank, data=data)
    data["eligibility"] = {">=": [{"var": "credit_score"}, 600]}
    product = services.product_create(user=bank, data=data)
    assert product.rate_max == Decimal("4.50")
    assert list(selectors.product_list_for_user(user=bank)) == [product]
    other = finance_user_for(InstitutionFactory(name="乙银行"), "bank_b")
    assert list(selectors.product_list_for_user(user=other)) == []
