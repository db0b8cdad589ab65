"""Demo data of the finance service, added to the registry's demo set by `wenchuang demo` (which finds
this module by walking the app configs): credit facts for the enterprises' last three years, the
scores under the current table, three institutions (示例) with products, financing demands with
answers and outcomes, the risk-compensation pool (contributions, loans, repayments, a default and its
compensation) and two 投融资对接 events. Deterministic for a seed; set-based writes."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from wenchuang.finance import scoring
from wenchuang.finance.models import (
    Account,
    CreditFact,
    DemandResponse,
    EventParticipant,
    FinanceProduct,
    FinancingDemand,
    Institution,
    MatchmakingEvent,
    PoolEntry,
    PoolLoan,
    ScorecardVersion,
)
from wenchuang.registry.models import Enterprise, EnterpriseYear

SOURCE = "示例数据（按企业规模随机生成）"
DEMO_MEMO = "示例"
INSTITUTIONS = (
    ("示例·杭州文创银行", Institution.Kind.BANK),
    ("示例·钱塘农商银行", Institution.Kind.BANK),
    ("示例·杭州文化融资担保公司", Institution.Kind.GUARANTOR),
)


def demo_delete() -> dict[str, int]:
    """Remove the finance demo rows (credit facts and scores of demo enterprises go with them too)."""
    deleted: dict[str, int] = {}
    insts = Institution.objects.filter(is_demo=True)
    entries = PoolEntry.objects.filter(Q(institution__in=insts) | Q(memo=DEMO_MEMO))
    deleted["finance.PoolEntry"] = entries._raw_delete(entries.db)
    facts = CreditFact.objects.filter(is_demo=True)
    deleted["finance.CreditFact"] = facts._raw_delete(facts.db)
    for label, qs in (
        ("finance.PoolLoan", PoolLoan.objects.filter(institution__in=insts)),
        ("finance.FinancingDemand", FinancingDemand.objects.filter(is_demo=True)),
        ("finance.MatchmakingEvent", MatchmakingEvent.objects.filter(is_demo=True)),
        ("finance.Institution", insts),
    ):
        deleted[label] = qs.delete()[0]
    return deleted


def demo_extend(*, seed: int, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    say = progress or (lambda _m: None)
    rnd = random.Random(seed * 7 + 18)
    rows: dict[str, int] = {}
    with transaction.atomic():
        demo_delete()
        last = EnterpriseYear.objects.filter(enterprise__is_demo=True).aggregate(y=Max("year"))["y"]
        if last is None:
            return rows
        years = [last - 2, last - 1, last]
        rows["credit_facts"] = _credit_facts(rnd, years)
        version = ScorecardVersion.objects.get(is_current=True)
        now = timezone.now()
        rows["credit_scores"] = sum(
            scoring.scores_refresh(table=version.table, version_id=version.pk, year=y, now=now) for y in years
        )
        insts = [Institution.objects.create(name=n, kind=k, is_demo=True) for n, k in INSTITUTIONS]
        rows["products"] = _products(insts)
        rows["demands"], loans = _demands(rnd, insts, last)
        rows["pool_entries"] = _pool(rnd, insts, loans, last)
        rows["events"] = _events(rnd, insts, last)
    say(f"金融服务示例数据：{rows}")
    return rows


def _credit_facts(rnd: random.Random, years: list[int]) -> int:
    facts = []
    for eid, year, employees, listed, leading in (
        EnterpriseYear.objects.filter(enterprise__is_demo=True, year__in=years)
        .order_by("enterprise_id", "year")
        .values_list("enterprise_id", "year", "employees", "is_listed", "is_leading")
        .iterator(chunk_size=20_000)
    ):
        size = (employees or 5) ** 0.5
        grade = rnd.choices(["A", "B", "M", "C", "D"], weights=[30 + size, 45, 12, 8, 3])[0]
        facts.append(
            CreditFact(
                enterprise_id=eid,
                year=year,
                tax_credit_grade=grade,
                copyrights=int(rnd.expovariate(1 / (1 + size))),
                patents=int(rnd.expovariate(1 / (0.2 + size / 4))),
                awards=int(rnd.expovariate(1.2 if not (listed or leading) else 0.4)),
                is_key_enterprise=bool(leading) or rnd.random() < 0.03,
                penalties=rnd.choices([0, 1, 2], weights=[90, 8, 2])[0],
                social_insurance_months=rnd.choices([12, 9, 4], weights=[85, 10, 5])[0],
                source=SOURCE,
                is_demo=True,
            )
        )
    CreditFact.objects.bulk_create(facts, batch_size=5000)
    return len(facts)


def _products(insts: list[Institution]) -> int:
    bank, rural, guarantor = insts
    specs: list[dict[str, Any]] = [
        dict(
            institution=bank,
            name="示例·文创信用贷",
            kind=FinanceProduct.Kind.CREDIT_LOAN,
            rate_min="3.45",
            rate_max="4.35",
            amount_min="10",
            amount_max="1000",
            term_months_max=36,
            collateral="信用（无抵押）",
            eligibility={
                "and": [
                    {">=": [{"var": "credit_score"}, 600]},
                    {"<=": [{"var": "founded_on"}, {"years_ago": 2}]},
                ]
            },
        ),
        dict(
            institution=bank,
            name="示例·版权质押贷",
            kind=FinanceProduct.Kind.IP_PLEDGE,
            rate_min="3.20",
            rate_max="4.00",
            amount_min="50",
            amount_max="3000",
            term_months_max=36,
            collateral="著作权、专利质押",
            target_majors=["01", "02", "03", "04"],
            eligibility={">=": [{"var": "credit_score"}, 500]},
        ),
        dict(
            institution=rural,
            name="示例·小微文创贷",
            kind=FinanceProduct.Kind.CREDIT_LOAN,
            rate_min="3.80",
            rate_max="5.50",
            amount_min="5",
            amount_max="300",
            term_months_max=24,
            collateral="信用或保证",
            eligibility={"in": [{"var": "credit_grade"}, ["AAA", "AA", "A", "BBB"]]},
        ),
        dict(
            institution=guarantor,
            name="示例·文化企业融资担保",
            kind=FinanceProduct.Kind.GUARANTEE,
            rate_min="0.50",
            rate_max="1.00",
            amount_min="50",
            amount_max="2000",
            term_months_max=36,
            collateral="反担保可协商",
            eligibility={">=": [{"var": "credit_score"}, 450]},
        ),
    ]
    FinanceProduct.objects.bulk_create([FinanceProduct(is_demo=True, **s) for s in specs])
    return len(specs)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _demands(rnd: random.Random, insts: list[Institution], last: int) -> tuple[int, list[tuple[Any, ...]]]:
    firms = list(
        Enterprise.objects.filter(is_demo=True, status=Enterprise.Status.ACTIVE, years__year=last)
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    chosen = rnd.sample(firms, min(40, len(firms)))
    granted: list[tuple[Any, ...]] = []
    n = 0
    for i, eid in enumerate(chosen):
        created = date(last, 1, 1) + timedelta(days=rnd.randint(0, 300))
        shared = rnd.sample(insts, rnd.randint(1, 3))
        amount = Decimal(rnd.choice([50, 100, 200, 300, 500, 800]))
        demand = FinancingDemand.objects.create(
            enterprise_id=eid,
            amount=amount,
            purpose=rnd.choice(["数字内容制作", "设备更新", "版权采购", "流动资金", "展会与市场推广"]),
            term_months=rnd.choice([6, 12, 24, 36]),
            collateral=rnd.choice(["", "著作权质押", "房产抵押", "保证"]),
            contact_name=f"示例联系人{i}",
            contact_phone=f"1380000{i:04d}",
            created_at=_at(created),
            is_demo=True,
        )
        demand.shared_with.set(shared)
        n += 1
        outcome = rnd.random()
        if outcome < 0.2:
            continue  # still waiting
        first = shared[0]
        if outcome < 0.35:
            DemandResponse.objects.create(
                demand=demand,
                institution=first,
                kind="decline",
                reason="经营年限不足或额度超出产品范围",
                responded_at=_at(created + timedelta(days=3)),
            )
            continue
        rate = Decimal(rnd.choice(["3.65", "3.85", "4.05", "4.35"]))
        DemandResponse.objects.create(
            demand=demand,
            institution=first,
            kind="offer",
            amount=amount,
            rate=rate,
            term_months=demand.term_months,
            responded_at=_at(created + timedelta(days=rnd.randint(1, 7))),
        )
        demand.receive_offer(description=f"{first.name}报价")
        if outcome < 0.8:
            demand.grant(institution=first, amount=amount, rate=rate, description="示例放款")
            demand.granted_at = _at(created + timedelta(days=rnd.randint(8, 40)))
            granted.append((demand, first, amount, rate, demand.granted_at.date()))
        demand.save()
    return n, granted


def _post(on: date, kind: str, debit: str, credit: str, amount: Decimal, loan: PoolLoan | None) -> PoolEntry:
    return PoolEntry(
        posted_on=on,
        year=on.year,
        kind=kind,
        debit=debit,
        credit=credit,
        amount=amount,
        loan=loan,
        institution=loan.institution if loan else None,
        memo=DEMO_MEMO,
    )


def _pool(rnd: random.Random, insts: list[Institution], granted: list[tuple[Any, ...]], last: int) -> int:
    entries = [
        _post(date(y, 1, 15), "contribution", Account.POOL_CASH, Account.FUND_CAPITAL, Decimal(2000), None)
        for y in range(last - 4, last + 1)
    ]
    for demand, inst, amount, rate, on in granted:
        loan = PoolLoan.objects.create(
            institution=inst,
            enterprise_id=demand.enterprise_id,
            demand=demand,
            principal=amount,
            rate=rate,
            start_on=on,
            term_months=demand.term_months,
            is_demo=True,
        )
        entries.append(_post(on, "register", Account.COVERED_LOANS, Account.COVERAGE, amount, loan))
        roll = rnd.random()
        if roll < 0.5:
            repaid = (amount * Decimal(rnd.choice(["0.25", "0.5", "1"]))).quantize(Decimal("0.01"))
            entries.append(
                _post(
                    on + timedelta(days=90),
                    "repayment",
                    Account.COVERAGE,
                    Account.COVERED_LOANS,
                    repaid,
                    loan,
                )
            )
            loan.repaid = repaid
            if repaid == amount:
                loan.settle(description="示例结清")
        elif roll < 0.62:
            out = amount
            due = (out * loan.coverage_ratio).quantize(Decimal("0.01"))
            d = on + timedelta(days=120)
            entries += [
                _post(d, "default", Account.DEFAULTED_LOANS, Account.COVERED_LOANS, out, loan),
                _post(
                    d + timedelta(days=20), "compensation", Account.COMPENSATION, Account.POOL_CASH, due, loan
                ),
                _post(
                    d + timedelta(days=20), "release", Account.COVERAGE, Account.DEFAULTED_LOANS, out, loan
                ),
            ]
            loan.defaulted, loan.compensated = out, due
            loan.mark_default(description="示例违约")
            loan.mark_compensated(description="示例补偿")
        loan.save()
    PoolEntry.objects.bulk_create(entries)
    return len(entries)


def _events(rnd: random.Random, insts: list[Institution], last: int) -> int:
    firms = list(Enterprise.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True)[:200])
    events = [
        MatchmakingEvent.objects.create(
            title=f"示例·{last}年文化企业银企对接会（{season}）",
            held_on=date(last, month, 20),
            place="示例·杭州国际博览中心",
            organiser="示例·杭州市文创办",
            is_demo=True,
        )
        for season, month in (("春季", 4), ("秋季", 10))
    ]
    parts = []
    for event in events:
        parts += [EventParticipant(event=event, institution=i) for i in insts]
        for eid in rnd.sample(firms, min(12, len(firms))):
            outcome = rnd.choices(["attended", "intent", "signed"], weights=[5, 4, 3])[0]
            amount = Decimal(rnd.choice([100, 200, 500])) if outcome != "attended" else None
            parts.append(EventParticipant(event=event, enterprise_id=eid, outcome=outcome, amount=amount))
    EventParticipant.objects.bulk_create(parts)
    return len(events)
