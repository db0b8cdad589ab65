"""The risk-compensation pool: every posting balances (database constraints), balances agree with an
independent computation, reconciliation finds tampering."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from wenchuang.core.errors import ConflictError, ForbiddenError
from wenchuang.finance import selectors, services
from wenchuang.finance.models import Account, PoolEntry, PoolLoan
from wenchuang.finance.tests.factories import InstitutionFactory, finance_user_for

D = Decimal


@pytest.fixture
def bank_user(db):
    return finance_user_for(InstitutionFactory(name="甲银行"), "bank_a")


def test_a_posting_that_does_not_balance_is_refused_by_the_database(db):
    for bad in (
        {"debit": Account.POOL_CASH, "credit": Account.POOL_CASH, "amount": D("1")},
        {"debit": Account.POOL_CASH, "credit": Account.FUND_CAPITAL, "amount": D("0")},
        {"debit": Account.POOL_CASH, "credit": Account.FUND_CAPITAL, "amount": D("-5")},
        {"debit": "nowhere", "credit": Account.FUND_CAPITAL, "amount": D("5")},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PoolEntry.objects.create(posted_on=date(2025, 1, 1), year=2025, kind="contribution", **bad)
    assert not PoolEntry.objects.exists()


def test_postings_cannot_be_changed_or_deleted(city_admin):
    entry = services.pool_contribute(user=city_admin, amount="100", on=date(2025, 1, 2))
    entry.amount = D("1")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_register_default_compensate_and_the_ledger_balances(city_admin, bank_user, enterprise):
    services.pool_contribute(user=city_admin, amount="1000", on=date(2025, 1, 2))
    loan = services.loan_register(
        user=bank_user,
        enterprise_id=enterprise.pk,
        principal="200",
        rate_value="4.2",
        start_on=date(2025, 3, 1),
        term_months="12",
        coverage_ratio="0.4",
    )
    services.loan_repay(user=bank_user, loan_id=loan.pk, amount="50", on=date(2025, 6, 1))
    services.loan_default(user=bank_user, loan_id=loan.pk, on=date(2025, 9, 1))
    with pytest.raises(ForbiddenError):
        services.loan_compensate(user=bank_user, loan_id=loan.pk, on=date(2025, 10, 1))
    services.loan_compensate(user=city_admin, loan_id=loan.pk, on=date(2025, 10, 1))
    loan = PoolLoan.objects.get(pk=loan.pk)
    assert (loan.state, loan.defaulted, loan.compensated) == (
        PoolLoan.State.COMPENSATED,
        D("150"),
        D("60.00"),
    )
    balances = selectors.pool_summary(user=city_admin).balances
    assert balances[Account.POOL_CASH] == D("940.00")
    assert balances[Account.COVERED_LOANS] == 0 and balances[Account.DEFAULTED_LOANS] == 0
    assert sum(balances.values()) == 0
    assert services.pool_reconcile().ok


def test_compensation_beyond_the_pool_is_refused(city_admin, bank_user, enterprise):
    services.pool_contribute(user=city_admin, amount="10", on=date(2025, 1, 2))
    loan = services.loan_register(
        user=bank_user,
        enterprise_id=enterprise.pk,
        principal="100",
        rate_value="4",
        start_on=date(2025, 3, 1),
        term_months="12",
    )
    services.loan_default(user=bank_user, loan_id=loan.pk, on=date(2025, 9, 1))
    with pytest.raises(ConflictError, match="余额"):
        services.loan_compensate(user=city_admin, loan_id=loan.pk, on=date(2025, 10, 1))
    assert PoolEntry.objects.filter(kind="compensation").count() == 0


def test_random_operations_keep_balances_equal_to_an_independent_tally(city_admin, bank_user, enterprise):
    rnd = random.Random(5)
    cash = covered = comp = D(0)
    services.pool_contribute(user=city_admin, amount="5000", on=date(2024, 1, 1))
    cash += D(5000)
    loans = []
    for i in range(40):
        op = rnd.random()
        if op < 0.4 or not loans:
            p = D(rnd.randint(10, 300))
            loans.append(
                services.loan_register(
                    user=bank_user,
                    enterprise_id=enterprise.pk,
                    principal=p,
                    rate_value="4",
                    start_on=date(2024, 1 + i % 12, 1),
                    term_months="12",
                )
            )
            covered += p
            continue
        loan = PoolLoan.objects.get(pk=rnd.choice(loans).pk)
        if loan.state != "active":
            continue
        if op < 0.7:
            amt = min(loan.outstanding, D(rnd.randint(1, 100)))
            services.loan_repay(user=bank_user, loan_id=loan.pk, amount=amt, on=date(2025, 1, 1))
            covered -= amt
        else:
            out = loan.outstanding
            services.loan_default(user=bank_user, loan_id=loan.pk, on=date(2025, 2, 1))
            services.loan_compensate(user=city_admin, loan_id=loan.pk, on=date(2025, 3, 1))
            covered -= out
            due = (out * D("0.5")).quantize(D("0.01"))
            cash -= due
            comp += due
    b = selectors.pool_summary(user=city_admin).balances
    assert (b[Account.POOL_CASH], b[Account.COVERED_LOANS], b[Account.COMPENSATION]) == (cash, covered, comp)
    assert sum(b.values()) == 0
    assert services.pool_reconcile().ok


def test_reconcile_finds_a_loan_record_that_disagrees_with_the_ledger(city_admin, bank_user, enterprise):
    loan = services.loan_register(
        user=bank_user,
        enterprise_id=enterprise.pk,
        principal="100",
        rate_value="4",
        start_on=date(2025, 3, 1),
        term_months="12",
    )
    PoolLoan.objects.filter(pk=loan.pk).update(repaid=D("30"))  # changed behind the ledger's back
    result = services.pool_reconcile()
    assert not result.ok and f"贷款#{loan.pk}" in result.problems[0]


def test_the_bank_sees_only_its_own_loans_and_entries(city_admin, bank_user, enterprise):
    other = finance_user_for(InstitutionFactory(name="乙银行"), "bank_b")
    services.loan_register(
        user=bank_user,
        enterprise_id=enterprise.pk,
        principal="100",
        rate_value="4",
        start_on=date(2025, 3, 1),
        term_months="12",
    )
    assert selectors.loan_list_for_user(user=bank_user).count() == 1
    assert selectors.loan_list_for_user(user=other).count() == 0
    assert selectors.entry_list_for_user(user=other).count() == 0
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_reconcile_command_passes_and_fails_loudly(city_admin, bank_user, enterprise):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    services.pool_contribute(user=city_admin, amount="100", on=date(2025, 1, 2))
    loan = services.loan_register(
        user=bank_user,
        enterprise_id=enterprise.pk,
        principal="50",
        rate_value="4",
        start_on=date(2025, 3, 1),
        term_months="12",
    )
    out = StringIO()
    call_command("finance", "reconcile", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["ok"] and body["entries"] == 2 and D(body["totals"]["debits"]) == 150
    PoolLoan.objects.filter(pk=loan.pk).update(defaulted=D("10"))
    with pytest.raises(CommandError, match="个问题"):
        call_command("finance", "reconcile", stdout=StringIO())
