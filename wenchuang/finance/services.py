"""Writes of the finance service. Keyword-only, one transaction each, every change audited; refusals
raise wenchuang.core.errors subclasses with a Chinese message and change nothing.

Who does what: an enterprise posts and closes its demands; an institution answers the demands shared
with it, records the loan it granted, keeps its products and registers, repays and defaults its loans
in the risk-compensation pool; the city office pays money into the pool and pays compensation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, ENTERPRISE, FINANCE, user_scope
from wenchuang.finance import eligibility, scorecard, scoring, selectors
from wenchuang.finance.models import (
    Account,
    DemandResponse,
    FinanceProduct,
    FinancingDemand,
    Institution,
    PoolEntry,
    PoolLoan,
    ScorecardVersion,
)
from wenchuang.registry.models import Enterprise

CENT = Decimal("0.01")


class FinanceError(DomainError):
    pass


def _audit(obj: Any, action: str, user: Any = None, **detail: Any) -> None:
    audit_record(
        event=AuditEvent.Event.DATA_CHANGE,
        user=user,
        obj=obj,
        detail={
            "action": action,
            **{k: str(v) if isinstance(v, Decimal | date) else v for k, v in detail.items()},
        },
    )


def money(value: Any, what: str, *, positive: bool = True) -> Decimal:
    """A money amount in 万元 from user input, or a FinanceError saying what is wrong."""
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise FinanceError(f"{what}须为数字（万元），当前为“{value}”") from exc
    if not d.is_finite() or (positive and d <= 0) or d < 0:
        raise FinanceError(f"{what}须大于0，当前为“{value}”")
    if d > Decimal("999999999"):
        raise FinanceError(f"{what}过大：{value}")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(value: Any, what: str = "年利率") -> Decimal:
    d = money(value, what)
    if d > 36:
        raise FinanceError(f"{what}须在0–36%之间，当前为{value}")
    return d


def months(value: Any, what: str = "期限") -> int:
    try:
        n = int(str(value).strip())
    except ValueError as exc:
        raise FinanceError(f"{what}须为整数（月），当前为“{value}”") from exc
    if not 1 <= n <= 360:
        raise FinanceError(f"{what}须在1–360个月之间，当前为{n}")
    return n


def _institution(user: Any) -> Institution:
    if user_scope(user).role != FINANCE:
        raise ForbiddenError("只有金融机构账户可以执行此操作")
    inst = selectors.institution_for_user(user)
    if inst is None:
        raise ForbiddenError("您的账户尚未绑定金融机构，请联系市级管理员")
    return inst


# ------------------------------------------------------------------------------------------ scorecard


def scorecard_version_publish(
    *, code: str, name: str, method: str, table: dict[str, Any], published_on: date, user: Any = None
) -> ScorecardVersion:
    """Publish a new points table and make it current (the earlier versions and their scores stay)."""
    try:
        scorecard.validate(table)
    except scorecard.TableError as exc:
        raise FinanceError(str(exc)) from exc
    with transaction.atomic():
        if ScorecardVersion.objects.filter(code=code).exists():
            raise ConflictError(f"评分表版本{code}已存在；修改请发布新版本")
        ScorecardVersion.objects.filter(is_current=True).update(is_current=False)
        version = ScorecardVersion.objects.create(
            code=code, name=name, method=method, table=table, published_on=published_on, is_current=True
        )
        _audit(version, "scorecard_publish", user, code=code)
    return version


def scores_compute(
    *, year: int | None = None, user: Any = None, now: datetime | None = None
) -> tuple[int, int]:
    """Score every enterprise for `year` (default: the latest year with annual facts) under the current
    table, set-based. Returns (year, enterprises scored)."""
    version = selectors.scorecard_current()
    year = year or selectors.latest_fact_year()
    if year is None:
        raise FinanceError("暂无企业年度数据，无法计算信用评分")
    n = scoring.scores_refresh(
        table=version.table, version_id=version.pk, year=year, now=now or timezone.now()
    )
    audit_record(
        event=AuditEvent.Event.DATA_CHANGE,
        user=user,
        object_type="finance.CreditScore",
        detail={"action": "scores_compute", "year": year, "version": version.code, "enterprises": n},
    )
    return year, n


# ------------------------------------------------------------------------------------------ products


def product_create(*, user: Any, data: dict[str, Any]) -> FinanceProduct:
    inst = _institution(user)
    rule = data.get("eligibility") or {}
    eligibility.check(rule, on=timezone.localdate())  # a rules.logic.RuleError says what is wrong
    name = str(data.get("name", "")).strip()
    if not name:
        raise FinanceError("请填写产品名称")
    if data.get("kind") not in FinanceProduct.Kind.values:
        raise FinanceError("请选择产品类型")
    rmin, rmax = rate(data.get("rate_min"), "年利率下限"), rate(data.get("rate_max"), "年利率上限")
    amin, amax = money(data.get("amount_min"), "额度下限"), money(data.get("amount_max"), "额度上限")
    if rmin > rmax or amin > amax:
        raise FinanceError("下限不能高于上限")
    majors = [m for m in data.get("target_majors") or [] if m]
    bad = [m for m in majors if m not in {f"0{i}" for i in range(1, 10)}]
    if bad:
        raise FinanceError(f"文化产业大类代码须为01–09：{'、'.join(bad)}")
    with transaction.atomic():
        product = FinanceProduct.objects.create(
            institution=inst,
            name=name,
            kind=data["kind"],
            rate_min=rmin,
            rate_max=rmax,
            amount_min=amin,
            amount_max=amax,
            term_months_max=months(data.get("term_months_max"), "最长期限"),
            collateral=str(data.get("collateral") or "信用（无抵押）")[:100],
            target_majors=majors,
            eligibility=rule,
            description=str(data.get("description") or ""),
        )
        _audit(product, "product_create", user, name=name)
    return product


# ------------------------------------------------------------------------------------------- demands


def demand_create(
    *,
    user: Any,
    amount: Any,
    purpose: str,
    term_months: Any,
    collateral: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    institution_ids: list[int],
) -> FinancingDemand:
    scope = user_scope(user)
    if scope.role != ENTERPRISE or not scope.enterprise_id:
        raise ForbiddenError("只有已认领企业的企业用户可以发布融资需求")
    amt = money(amount, "融资金额")
    term = months(term_months)
    purpose = (purpose or "").strip()
    if not purpose:
        raise FinanceError("请填写资金用途")
    institutions = list(Institution.objects.filter(pk__in=institution_ids))
    if not institutions:
        raise FinanceError("请至少选择一家可查看该需求的金融机构")
    if len(institutions) != len(set(institution_ids)):
        raise FinanceError("所选金融机构不存在")
    with transaction.atomic():
        demand = FinancingDemand.objects.create(
            enterprise_id=scope.enterprise_id,
            amount=amt,
            purpose=purpose[:200],
            term_months=term,
            collateral=(collateral or "").strip()[:100],
            contact_name=(contact_name or "").strip()[:50],
            contact_phone=(contact_phone or "").strip()[:30],
        )
        demand.shared_with.set(institutions)
        _audit(demand, "demand_create", user, amount=amt, shared_with=sorted(i.pk for i in institutions))
    return demand


def _demand_for_institution(user: Any, demand_id: int) -> tuple[FinancingDemand, Institution]:
    inst = _institution(user)
    demand = selectors.demand_get_for_user(user=user, pk=demand_id)  # shared with it, or 403
    return FinancingDemand.objects.select_for_update().get(pk=demand.pk), inst


def demand_respond(
    *,
    user: Any,
    demand_id: int,
    kind: str,
    amount: Any = None,
    rate_value: Any = None,
    term_months: Any = None,
    reason: str = "",
    product_id: int | None = None,
) -> DemandResponse:
    with transaction.atomic():
        demand, inst = _demand_for_institution(user, demand_id)
        if demand.state not in (FinancingDemand.State.PUBLISHED, FinancingDemand.State.OFFERED):
            raise ConflictError(f"该需求{demand.get_state_display()}，不能再答复")
        if DemandResponse.objects.filter(demand=demand, institution=inst).exists():
            raise ConflictError("贵机构已答复过该需求")
        reason = (reason or "").strip()
        product = None
        if product_id:
            product = FinanceProduct.objects.filter(pk=product_id, institution=inst).first()
            if product is None:
                raise FinanceError("所选产品不是贵机构的产品")
        if kind == DemandResponse.Kind.OFFER:
            response = DemandResponse.objects.create(
                demand=demand,
                institution=inst,
                kind=kind,
                amount=money(amount, "报价金额"),
                rate=rate(rate_value, "报价年利率"),
                term_months=months(term_months) if term_months not in (None, "") else demand.term_months,
                reason=reason[:300],
                product=product,
                responded_by=user,
            )
            demand.receive_offer(by=user, description=f"{inst.name}报价")
            demand.save()
        elif kind == DemandResponse.Kind.DECLINE:
            if not reason:
                raise FinanceError("婉拒时请说明原因")
            response = DemandResponse.objects.create(
                demand=demand, institution=inst, kind=kind, reason=reason[:300], responded_by=user
            )
        else:
            raise FinanceError("请选择报价或婉拒")
        _audit(response, f"demand_{kind}", user, demand=demand.pk, institution=inst.pk)
    return response


def demand_grant(
    *, user: Any, demand_id: int, amount: Any, rate_value: Any, register_in_pool: bool = False
) -> FinancingDemand:
    """The institution that made an offer records the loan it granted (and may register it in the pool)."""
    with transaction.atomic():
        demand, inst = _demand_for_institution(user, demand_id)
        if not DemandResponse.objects.filter(demand=demand, institution=inst, kind="offer").exists():
            raise ConflictError("只有已报价的机构可以登记放款")
        if demand.state != FinancingDemand.State.OFFERED:
            raise ConflictError(f"该需求{demand.get_state_display()}，不能登记放款")
        amt, r = money(amount, "放款金额"), rate(rate_value)
        demand.grant(institution=inst, amount=amt, rate=r, by=user, description=f"{inst.name}放款{amt}万元")
        demand.save()
        _audit(demand, "demand_grant", user, institution=inst.pk, amount=amt, rate=r)
        if register_in_pool:
            loan_register(
                user=user,
                enterprise_id=demand.enterprise_id,
                principal=amt,
                rate_value=r,
                start_on=timezone.localdate(),
                term_months=demand.term_months,
                demand=demand,
            )
    return demand


def demand_close(*, user: Any, demand_id: int, reason: str) -> FinancingDemand:
    scope = user_scope(user)
    with transaction.atomic():
        demand = selectors.demand_get_for_user(user=user, pk=demand_id)
        if scope.role != ENTERPRISE or demand.enterprise_id != scope.enterprise_id:
            raise ForbiddenError("只有发布需求的企业可以关闭需求")
        demand = FinancingDemand.objects.select_for_update().get(pk=demand.pk)
        if demand.state not in (FinancingDemand.State.PUBLISHED, FinancingDemand.State.OFFERED):
            raise ConflictError(f"该需求{demand.get_state_display()}，不能关闭")
        reason = (reason or "").strip() or "企业关闭"
        demand.close(reason=reason[:200], by=user, description=reason[:200])
        demand.save()
        _audit(demand, "demand_close", user, reason=reason)
    return demand


# ---------------------------------------------------------------------------------------------- pool


def _post(
    *,
    kind: str,
    debit: str,
    credit: str,
    amount: Decimal,
    on: date,
    user: Any,
    loan: PoolLoan | None,
    memo: str,
) -> PoolEntry:
    return PoolEntry.objects.create(
        posted_on=on,
        year=on.year,
        kind=kind,
        debit=debit,
        credit=credit,
        amount=amount,
        loan=loan,
        institution=loan.institution if loan is not None else None,
        memo=memo[:200],
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _require_city(user: Any, what: str) -> None:
    if user_scope(user).role != CITY_ADMIN:
        raise ForbiddenError(f"只有市级管理员可以{what}")


def pool_contribute(*, user: Any, amount: Any, on: date, memo: str = "") -> PoolEntry:
    _require_city(user, "向资金池注资")
    amt = money(amount, "注资金额")
    with transaction.atomic():
        entry = _post(
            kind=PoolEntry.Kind.CONTRIBUTION,
            debit=Account.POOL_CASH,
            credit=Account.FUND_CAPITAL,
            amount=amt,
            on=on,
            user=user,
            loan=None,
            memo=memo or "财政资金注入",
        )
        _audit(entry, "pool_contribute", user, amount=amt)
    return entry


def loan_register(
    *,
    user: Any,
    enterprise_id: int | None = None,
    uscc: str = "",
    principal: Any,
    rate_value: Any,
    start_on: date,
    term_months: Any,
    coverage_ratio: Any = "0.50",
    demand: FinancingDemand | None = None,
) -> PoolLoan:
    inst = _institution(user)
    amt, r, term = money(principal, "贷款本金"), rate(rate_value), months(term_months)
    try:
        ratio = Decimal(str(coverage_ratio))
    except InvalidOperation as exc:
        raise FinanceError("补偿比例须为0–1之间的小数") from exc
    if not Decimal(0) < ratio <= 1:
        raise FinanceError("补偿比例须大于0且不超过1")
    firms = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
    firm = (
        firms.filter(pk=enterprise_id).first()
        if enterprise_id is not None
        else firms.filter(uscc=(uscc or "").strip().upper()).first()
    )
    if firm is None:
        raise FinanceError("借款企业不存在或不在营，请核对统一社会信用代码")
    enterprise_id = firm.pk
    with transaction.atomic():
        loan = PoolLoan.objects.create(
            institution=inst,
            enterprise_id=enterprise_id,
            demand=demand,
            principal=amt,
            rate=r,
            start_on=start_on,
            term_months=term,
            coverage_ratio=ratio.quantize(CENT),
        )
        _post(
            kind=PoolEntry.Kind.REGISTER,
            debit=Account.COVERED_LOANS,
            credit=Account.COVERAGE,
            amount=amt,
            on=start_on,
            user=user,
            loan=loan,
            memo=f"{inst.name}贷款登记",
        )
        _audit(loan, "loan_register", user, principal=amt, institution=inst.pk)
    return loan


def _own_loan(user: Any, loan_id: int) -> PoolLoan:
    _institution(user)
    loan = selectors.loan_get_for_user(user=user, pk=loan_id)
    return PoolLoan.objects.select_for_update().select_related("institution").get(pk=loan.pk)


def loan_repay(*, user: Any, loan_id: int, amount: Any, on: date) -> PoolLoan:
    with transaction.atomic():
        loan = _own_loan(user, loan_id)
        if loan.state != PoolLoan.State.ACTIVE:
            raise ConflictError(f"该贷款{loan.get_state_display()}，不能登记还款")
        amt = money(amount, "还款本金")
        if amt > loan.outstanding:
            raise FinanceError(f"还款本金{amt}万元超过贷款余额{loan.outstanding}万元")
        _post(
            kind=PoolEntry.Kind.REPAYMENT,
            debit=Account.COVERAGE,
            credit=Account.COVERED_LOANS,
            amount=amt,
            on=on,
            user=user,
            loan=loan,
            memo="还款",
        )
        loan.repaid += amt
        if loan.outstanding == 0:
            loan.settle(by=user, description="贷款结清")
        loan.save()
        _audit(loan, "loan_repay", user, amount=amt)
    return loan


def loan_default(*, user: Any, loan_id: int, on: date) -> PoolLoan:
    """The institution reports the loan in default: its outstanding principal becomes the defaulted amount."""
    with transaction.atomic():
        loan = _own_loan(user, loan_id)
        if loan.state != PoolLoan.State.ACTIVE:
            raise ConflictError(f"该贷款{loan.get_state_display()}，不能登记违约")
        amt = loan.outstanding
        _post(
            kind=PoolEntry.Kind.DEFAULT,
            debit=Account.DEFAULTED_LOANS,
            credit=Account.COVERED_LOANS,
            amount=amt,
            on=on,
            user=user,
            loan=loan,
            memo="违约",
        )
        loan.defaulted = amt
        loan.mark_default(by=user, description=f"违约本金{amt}万元")
        loan.save()
        _audit(loan, "loan_default", user, amount=amt)
    return loan


def compensation_due(loan: PoolLoan) -> Decimal:
    return (loan.defaulted * loan.coverage_ratio).quantize(CENT, rounding=ROUND_HALF_UP)


def loan_compensate(*, user: Any, loan_id: int, on: date) -> PoolLoan:
    """The city office pays the pool's share of a defaulted loan to the lending institution."""
    _require_city(user, "支付风险补偿")
    with transaction.atomic():
        loan = PoolLoan.objects.select_for_update().select_related("institution").filter(pk=loan_id).first()
        if loan is None:
            raise FinanceError("贷款不存在")
        if loan.state != PoolLoan.State.DEFAULTED:
            raise ConflictError(f"该贷款{loan.get_state_display()}，不能支付补偿")
        due = compensation_due(loan)
        cash = _cash_balance()
        if due > cash:
            raise ConflictError(f"资金池余额{cash}万元不足以支付补偿{due}万元")
        _post(
            kind=PoolEntry.Kind.COMPENSATION,
            debit=Account.COMPENSATION,
            credit=Account.POOL_CASH,
            amount=due,
            on=on,
            user=user,
            loan=loan,
            memo=f"向{loan.institution.name}支付风险补偿（{loan.coverage_ratio:.0%}）",
        )
        _post(
            kind=PoolEntry.Kind.RELEASE,
            debit=Account.COVERAGE,
            credit=Account.DEFAULTED_LOANS,
            amount=loan.defaulted,
            on=on,
            user=user,
            loan=loan,
            memo="补偿后解除该笔责任",
        )
        loan.compensated = due
        loan.mark_compensated(by=user, description=f"补偿{due}万元")
        loan.save()
        _audit(loan, "loan_compensate", user, amount=due)
    return loan


def _cash_balance() -> Decimal:
    d = PoolEntry.objects.filter(debit=Account.POOL_CASH).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    c = PoolEntry.objects.filter(credit=Account.POOL_CASH).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return d - c


# ------------------------------------------------------------------------------------------ reconcile


@dataclass
class ReconcileResult:
    entries: int = 0
    loans: int = 0
    totals: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def pool_reconcile() -> ReconcileResult:
    """Check the ledger against itself and against the loans:
    1. every entry has a positive amount and two different known accounts (what the constraints say);
    2. total debits equal total credits;
    3. per loan, the covered and defaulted balances in the ledger equal the loan's own record, and the
       compensation posted equals the compensation recorded and is at most its share of the default;
    4. the pool's cash is never negative."""
    result = ReconcileResult(entries=PoolEntry.objects.count(), loans=PoolLoan.objects.count())
    bad = (
        PoolEntry.objects.exclude(amount__gt=0).count() + PoolEntry.objects.filter(debit=F("credit")).count()
    )
    bad += PoolEntry.objects.exclude(debit__in=Account.values).count()
    bad += PoolEntry.objects.exclude(credit__in=Account.values).count()
    if bad:
        result.problems.append(f"{bad}条分录金额非正或借贷科目相同、未知")
    debits = PoolEntry.objects.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    balances = selectors.account_balances(PoolEntry.objects.all()).get(None, {})
    net = sum(balances.values(), Decimal(0))
    result.totals = {
        "debits": str(debits),
        "credits": str(debits - net),
        **{a: str(b) for a, b in balances.items()},
    }
    if net != 0:
        result.problems.append(f"借方合计与贷方合计相差{net}万元")
    if balances.get(Account.POOL_CASH, Decimal(0)) < 0:
        result.problems.append(f"资金池存款为负：{balances[Account.POOL_CASH]}万元")
    per_loan = selectors.account_balances(PoolEntry.objects.filter(loan__isnull=False), by="loan_id")
    for loan in PoolLoan.objects.all().iterator(chunk_size=2000):
        b = per_loan.get(loan.pk, {a: Decimal(0) for a in Account.values})
        covered, defaulted = b[Account.COVERED_LOANS], b[Account.DEFAULTED_LOANS]
        expect_defaulted = loan.defaulted if loan.state == PoolLoan.State.DEFAULTED else Decimal(0)
        if covered != loan.outstanding:
            result.problems.append(f"贷款#{loan.pk}：账上在保余额{covered}，贷款记录{loan.outstanding}")
        if defaulted != expect_defaulted:
            result.problems.append(f"贷款#{loan.pk}：账上违约待补偿{defaulted}，应为{expect_defaulted}")
        if b[Account.COMPENSATION] != loan.compensated:
            result.problems.append(
                f"贷款#{loan.pk}：账上补偿{b[Account.COMPENSATION]}，贷款记录{loan.compensated}"
            )
        if loan.compensated > compensation_due(loan):
            result.problems.append(
                f"贷款#{loan.pk}：补偿{loan.compensated}超过应补偿{compensation_due(loan)}"
            )
    return result
