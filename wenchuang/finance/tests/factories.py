"""Factories and small builders for the finance tests."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import factory

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory
from wenchuang.core.uscc import make_valid
from wenchuang.finance.models import CreditFact, FinanceProduct, Institution, InstitutionMember
from wenchuang.registry.models import District, Enterprise, EnterpriseYear


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试银行{n}")
    kind = Institution.Kind.BANK


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinanceProduct

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"文创贷{n}")
    kind = FinanceProduct.Kind.CREDIT_LOAN
    rate_min = Decimal("3.450")
    rate_max = Decimal("4.800")
    amount_min = Decimal("10.00")
    amount_max = Decimal("1000.00")
    term_months_max = 36


def finance_user_for(institution: Institution, username: str, **kw: Any) -> Any:
    user = UserFactory(username=username, role=Role.FINANCE, organisation=institution.name, **kw)
    InstitutionMember.objects.get_or_create(user=user, defaults={"institution": institution})
    return user


def random_firms(n: int, *, year: int, seed: int = 1) -> list[Enterprise]:
    """n enterprises with annual facts for year-1 and year and credit facts for year, some fields missing."""
    rnd = random.Random(seed)
    districts = list(District.objects.filter(kind__isnull=False)[:5])
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=make_valid(f"91330106MA{seed:02d}{i:05d}"),
                name=f"评分测试企业{i}",
                gbt_code="7251",
                district=districts[i % len(districts)],
                founded_on=None if i % 17 == 0 else date(year - rnd.randint(0, 25), 6, 1),
            )
            for i in range(n)
        ]
    )
    years, facts = [], []

    def maybe(v: Any, p: float = 0.1) -> Any:
        return None if rnd.random() < p else v

    for i, e in enumerate(firms):
        prev = Decimal(rnd.randint(0, 5000))
        years.append(EnterpriseYear(enterprise=e, year=year - 1, revenue=maybe(prev)))
        rev = Decimal(rnd.randint(1, 6000))
        years.append(
            EnterpriseYear(
                enterprise=e,
                year=year,
                revenue=maybe(rev),
                operating_surplus=maybe(Decimal(rnd.randint(-300, 900))),
                employees=maybe(rnd.randint(0, 500)),
                is_listed=rnd.random() < 0.1,
                is_leading=rnd.random() < 0.1,
            )
        )
        if i % 9:
            facts.append(
                CreditFact(
                    enterprise=e,
                    year=year,
                    tax_credit_grade=rnd.choice(["A", "B", "M", "C", "D", ""]),
                    copyrights=maybe(rnd.randint(0, 30)),
                    patents=maybe(rnd.randint(0, 10)),
                    awards=maybe(rnd.randint(0, 5)),
                    is_key_enterprise=maybe(rnd.random() < 0.2),
                    penalties=maybe(rnd.randint(0, 3)),
                    social_insurance_months=maybe(rnd.randint(0, 12)),
                    source="测试",
                )
            )
    EnterpriseYear.objects.bulk_create(years)
    CreditFact.objects.bulk_create(facts)
    return firms


__all__ = ["EnterpriseFactory", "InstitutionFactory", "ProductFactory", "finance_user_for", "random_firms"]


def finance_samples(*, enterprise: Enterprise, elsewhere: Enterprise, finance_user: Any) -> dict[str, Any]:
    """Scope samples for the permission-matrix walk: a demand and a loan of `enterprise` (the enterprise
    user's, in the district office's district) with the finance user's bank, and the same of another
    district's firm with another bank."""
    from wenchuang.finance.models import FinancingDemand, PoolLoan

    bank = InstitutionFactory(name="杭州测试银行")
    other = InstitutionFactory(name="其他测试银行")
    InstitutionMember.objects.get_or_create(user=finance_user, defaults={"institution": bank})

    def demand(firm: Enterprise, inst: Institution) -> int:
        d = FinancingDemand.objects.create(
            enterprise=firm, amount=Decimal("100"), purpose="测试", term_months=12
        )
        d.shared_with.set([inst])
        return d.pk

    def loan(firm: Enterprise, inst: Institution) -> int:
        return PoolLoan.objects.create(
            institution=inst,
            enterprise=firm,
            principal=Decimal("100"),
            rate=Decimal("4"),
            start_on=date(2025, 1, 1),
            term_months=12,
        ).pk

    return {
        "finance_demand.pk": {
            "in": demand(enterprise, bank),
            "elsewhere": demand(elsewhere, other),
            "missing": 999999,
        },
        "finance_loan.pk": {
            "in": loan(enterprise, bank),
            "elsewhere": loan(elsewhere, other),
            "missing": 999999,
        },
    }
