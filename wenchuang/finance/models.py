"""金融服务 (金融敲门): financial institutions and their users, the credit facts the registry lacks, the
versioned scorecard and the scores it gave, finance products, financing demands and the institutions'
responses, the risk-compensation pool (loans and its double-entry ledger) and 投融资对接 events.

Money in 万元 (Decimal, 2 places) like the registry; rates in percent per year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from wenchuang.core.crypto import EncryptedTextField

ZERO = Decimal("0.00")


def _money(label: Any, **kw: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kw)


def _rate(label: Any, **kw: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=3, **kw)


class Institution(models.Model):
    """A bank, guarantor or other financial institution taking part in the service."""

    class Kind(models.TextChoices):
        BANK = "bank", _("银行")
        GUARANTOR = "guarantor", _("融资担保机构")
        OTHER = "other", _("其他金融机构")

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    kind = models.CharField(_("机构类型"), max_length=10, choices=Kind.choices, default=Kind.BANK)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)

    class Meta:
        verbose_name = _("金融机构")
        verbose_name_plural = _("金融机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstitutionMember(models.Model):
    """Binds a 金融机构 account to its institution: the account sees what is shared with that institution."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="finance_membership",
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("金融机构"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("金融机构账户")
        verbose_name_plural = _("金融机构账户")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.institution}"


class CreditFact(models.Model):
    """Credit facts of one enterprise-year the registry does not hold, each row with its source."""

    class TaxGrade(models.TextChoices):
        A = "A", _("A级")
        B = "B", _("B级")
        M = "M", _("M级")
        C = "C", _("C级")
        D = "D", _("D级")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="credit_facts"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    tax_credit_grade = models.CharField(
        _("纳税信用等级"), max_length=1, choices=TaxGrade.choices, blank=True, default=""
    )
    copyrights = models.PositiveIntegerField(_("著作权（件）"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("专利（件）"), null=True, blank=True)
    awards = models.PositiveIntegerField(_("获奖与荣誉（近三年，项）"), null=True, blank=True)
    is_key_enterprise = models.BooleanField(_("重点文化企业"), null=True, blank=True)
    penalties = models.PositiveIntegerField(_("行政处罚（次）"), null=True, blank=True)
    social_insurance_months = models.PositiveSmallIntegerField(
        _("社保连续缴纳（近12个月中的月数）"), null=True, blank=True
    )
    source = models.CharField(_("数据来源"), max_length=200)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业信用信息")
        verbose_name_plural = _("企业信用信息")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="credit_fact_enterprise_year_unique"),
            models.CheckConstraint(
                condition=models.Q(social_insurance_months__isnull=True)
                | models.Q(social_insurance_months__lte=12),
                name="credit_fact_social_months_lte_12",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class ScorecardVersion(models.Model):
    """A published points table (see finance.scorecard for its shape). Never edited once scores use it:
    a change is a new version."""

    code = models.CharField(_("版本号"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    method = models.TextField(_("方法说明"))
    table = models.JSONField(_("计分表"))
    published_on = models.DateField(_("发布日期"))
    is_current = models.BooleanField(_("当前版本"), default=False)

    class Meta:
        verbose_name = _("信用评分表版本")
        verbose_name_plural = _("信用评分表版本")
        ordering = ["-published_on", "-code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="scorecard_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CreditScore(models.Model):
    """The score of one enterprise for one year under one table version, with the points per attribute
    (column names follow finance.scorecard.ATTRIBUTES)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="credit_scores",
        db_index=False,  # the (enterprise, year, version) unique index leads with it
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("评分表版本"),
        on_delete=models.PROTECT,
        related_name="scores",
        db_index=False,  # scores are read by (year, version): that index serves
    )
    total = models.PositiveSmallIntegerField(_("总分"))
    grade = models.CharField(_("信用等级"), max_length=4)
    p_tax_grade = models.PositiveSmallIntegerField(_("纳税信用"), default=0)
    p_years = models.PositiveSmallIntegerField(_("经营年限"), default=0)
    p_growth = models.PositiveSmallIntegerField(_("营收增长"), default=0)
    p_margin = models.PositiveSmallIntegerField(_("盈利能力"), default=0)
    p_employees = models.PositiveSmallIntegerField(_("从业人员"), default=0)
    p_ip = models.PositiveSmallIntegerField(_("著作权与专利"), default=0)
    p_awards = models.PositiveSmallIntegerField(_("获奖荣誉"), default=0)
    p_listed = models.PositiveSmallIntegerField(_("上市"), default=0)
    p_key = models.PositiveSmallIntegerField(_("重点（领军）企业"), default=0)
    p_park = models.PositiveSmallIntegerField(_("入驻园区"), default=0)
    p_penalties = models.PositiveSmallIntegerField(_("行政处罚"), default=0)
    p_social = models.PositiveSmallIntegerField(_("社保连续性"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("企业信用评分")
        verbose_name_plural = _("企业信用评分")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "version"], name="credit_score_enterprise_year_version_unique"
            ),
            models.CheckConstraint(condition=models.Q(total__lte=1000), name="credit_score_total_lte_1000"),
        ]
        indexes = [models.Index(fields=["year", "version"], name="credit_score_year_version")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.total}"


class FinanceProduct(models.Model):
    """A loan, guarantee or other product of an institution, with its eligibility rule (data)."""

    class Kind(models.TextChoices):
        CREDIT_LOAN = "credit_loan", _("信用贷款")
        SECURED_LOAN = "secured_loan", _("抵质押贷款")
        IP_PLEDGE = "ip_pledge", _("知识产权质押贷款")
        GUARANTEE = "guarantee", _("融资担保")

    institution = models.ForeignKey(
        Institution, verbose_name=_("金融机构"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=100)
    kind = models.CharField(_("产品类型"), max_length=14, choices=Kind.choices)
    rate_min = _rate(_("年利率下限（%）"))
    rate_max = _rate(_("年利率上限（%）"))
    amount_min = _money(_("额度下限（万元）"))
    amount_max = _money(_("额度上限（万元）"))
    term_months_max = models.PositiveSmallIntegerField(_("最长期限（月）"))
    collateral = models.CharField(_("担保方式"), max_length=100, default="信用（无抵押）")
    target_majors = models.JSONField(
        _("面向文化产业大类"),
        default=list,
        blank=True,
        help_text=_('文化产业大类代码，如["01","06"]；空表示不限'),
    )
    eligibility = models.JSONField(
        _("准入规则"),
        default=dict,
        blank=True,
        help_text=_("规则引擎的JsonLogic规则（wenchuang.rules）；空表示不限"),
    )
    description = models.TextField(_("产品说明"), blank=True)
    is_active = models.BooleanField(_("在售"), default=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["institution__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_min__lte=models.F("rate_max")), name="product_rates"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_min__lte=models.F("amount_max")), name="product_amounts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}·{self.name}"


class FinancingDemand(models.Model):
    """An enterprise's financing demand, visible to the institutions it chose."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("待响应")
        OFFERED = "offered", _("已获报价")
        GRANTED = "granted", _("已放款")
        CLOSED = "closed", _("已关闭")

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="financing_demands",
    )
    amount = _money(_("融资金额（万元）"))
    purpose = models.CharField(_("资金用途"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    collateral = models.CharField(_("可提供的担保"), max_length=100, blank=True)
    contact_name = EncryptedTextField(_("联系人"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    shared_with = models.ManyToManyField(
        Institution, verbose_name=_("可见机构"), related_name="shared_demands", blank=False
    )
    state = FSMField(_("状态"), default=State.PUBLISHED, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    granted_by = models.ForeignKey(
        Institution,
        verbose_name=_("放款机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granted_demands",
    )
    granted_amount = _money(_("放款金额（万元）"), null=True, blank=True)
    granted_rate = _rate(_("年利率（%）"), null=True, blank=True)
    granted_at = models.DateTimeField(_("放款时间"), null=True, blank=True)
    closed_reason = models.CharField(_("关闭原因"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="demand_amount_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(state="granted")
                | models.Q(granted_by__isnull=False, granted_amount__gt=0, granted_at__isnull=False),
                name="demand_granted_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"融资需求#{self.pk}"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.PUBLISHED, State.OFFERED], target=State.OFFERED)
    def receive_offer(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.OFFERED, target=State.GRANTED)
    def grant(
        self,
        *,
        institution: Institution,
        amount: Decimal,
        rate: Decimal,
        by: Any = None,
        description: str = "",
    ) -> None:
        self.granted_by = institution
        self.granted_amount = amount
        self.granted_rate = rate
        self.granted_at = timezone.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.PUBLISHED, State.OFFERED], target=State.CLOSED)
    def close(self, *, reason: str, by: Any = None, description: str = "") -> None:
        self.closed_reason = reason


class DemandResponse(models.Model):
    """One institution's answer to a demand: an offer (amount, rate, term) or a decline with its reason."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("报价")
        DECLINE = "decline", _("婉拒")

    demand = models.ForeignKey(
        FinancingDemand, verbose_name=_("融资需求"), on_delete=models.CASCADE, related_name="responses"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("金融机构"), on_delete=models.CASCADE, related_name="demand_responses"
    )
    kind = models.CharField(_("答复"), max_length=8, choices=Kind.choices)
    amount = _money(_("报价金额（万元）"), null=True, blank=True)
    rate = _rate(_("报价年利率（%）"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    reason = models.CharField(_("说明或婉拒原因"), max_length=300, blank=True)
    product = models.ForeignKey(
        FinanceProduct,
        verbose_name=_("金融产品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("答复时间"), default=timezone.now)

    class Meta:
        verbose_name = _("机构答复")
        verbose_name_plural = _("机构答复")
        ordering = ["demand_id", "responded_at"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "institution"], name="demand_response_once"),
            models.CheckConstraint(
                condition=models.Q(kind="decline", reason__gt="")
                | models.Q(kind="offer", amount__gt=0, rate__gt=0),
                name="demand_response_offer_or_reasoned_decline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} {self.institution_id} {self.kind}"


class PoolLoan(models.Model):
    """A loan registered under the risk-compensation pool. The amounts here are the loan's own record;
    the ledger (PoolEntry) carries the same movements and `wenchuang finance reconcile` compares them."""

    class State(models.TextChoices):
        ACTIVE = "active", _("在贷")
        REPAID = "repaid", _("已结清")
        DEFAULTED = "defaulted", _("已违约")
        COMPENSATED = "compensated", _("已补偿")

    institution = models.ForeignKey(
        Institution, verbose_name=_("贷款机构"), on_delete=models.PROTECT, related_name="pool_loans"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("借款企业"), on_delete=models.CASCADE, related_name="pool_loans"
    )
    demand = models.OneToOneField(
        FinancingDemand,
        verbose_name=_("对应融资需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pool_loan",
    )
    principal = _money(_("贷款本金（万元）"))
    rate = _rate(_("年利率（%）"))
    start_on = models.DateField(_("放款日期"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    coverage_ratio = models.DecimalField(
        _("资金池补偿比例"), max_digits=4, decimal_places=2, default=Decimal("0.50")
    )
    repaid = _money(_("已还本金（万元）"), default=ZERO)
    defaulted = _money(_("违约本金（万元）"), default=ZERO)
    compensated = _money(_("已补偿（万元）"), default=ZERO)
    state = FSMField(_("状态"), default=State.ACTIVE, choices=State.choices, protected=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)

    class Meta:
        verbose_name = _("风险补偿资金池贷款")
        verbose_name_plural = _("风险补偿资金池贷款")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(principal__gt=0), name="pool_loan_principal_gt_0"),
            models.CheckConstraint(
                condition=models.Q(coverage_ratio__gt=0, coverage_ratio__lte=1), name="pool_loan_coverage"
            ),
            models.CheckConstraint(
                condition=models.Q(repaid__gte=0, defaulted__gte=0, compensated__gte=0)
                & models.Q(principal__gte=models.F("repaid") + models.F("defaulted")),
                name="pool_loan_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"资金池贷款#{self.pk}"

    @property
    def outstanding(self) -> Decimal:
        return self.principal - self.repaid - self.defaulted

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ACTIVE, target=State.REPAID)
    def settle(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ACTIVE, target=State.DEFAULTED)
    def mark_default(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DEFAULTED, target=State.COMPENSATED)
    def mark_compensated(self, *, by: Any = None, description: str = "") -> None:
        pass


class Account(models.TextChoices):
    """The pool's ledger accounts. Cash and capital are real money; the loan accounts are the pool's
    memorandum of the exposure it covers."""

    POOL_CASH = "pool_cash", _("资金池存款")
    FUND_CAPITAL = "fund_capital", _("财政出资")
    COVERED_LOANS = "covered_loans", _("在保贷款余额")
    DEFAULTED_LOANS = "defaulted_loans", _("违约待补偿贷款")
    COVERAGE = "coverage", _("风险补偿责任")
    COMPENSATION = "compensation", _("风险补偿支出")


class PoolEntry(models.Model):
    """One ledger posting: `amount` debited to one account and credited to another. Every row balances
    by itself (database constraints: amount > 0, two different accounts), so the ledger as a whole
    always does; rows are never changed or deleted by the application."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("资金注入")
        REGISTER = "register", _("贷款登记")
        REPAYMENT = "repayment", _("还款")
        DEFAULT = "default", _("违约")
        COMPENSATION = "compensation", _("补偿支付")
        RELEASE = "release", _("责任解除")

    posted_on = models.DateField(_("记账日期"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("业务类型"), max_length=14, choices=Kind.choices)
    debit = models.CharField(_("借方科目"), max_length=16, choices=Account.choices)
    credit = models.CharField(_("贷方科目"), max_length=16, choices=Account.choices)
    amount = _money(_("金额（万元）"))
    loan = models.ForeignKey(
        PoolLoan,
        verbose_name=_("贷款"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("金融机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_entries",
    )
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记账人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资金池分录")
        verbose_name_plural = _("资金池分录")
        ordering = ["posted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="pool_entry_amount_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(debit=models.F("credit")), name="pool_entry_two_accounts"
            ),
            models.CheckConstraint(
                condition=models.Q(debit__in=Account.values) & models.Q(credit__in=Account.values),
                name="pool_entry_known_accounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.debit}/{self.credit} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("资金池分录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("资金池分录只能追加，不能删除；更正请记一笔反向分录")


class MatchmakingEvent(models.Model):
    """A 投融资对接 event (银企对接会、路演)."""

    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)

    class Meta:
        verbose_name = _("投融资对接活动")
        verbose_name_plural = _("投融资对接活动")
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return self.title


class EventParticipant(models.Model):
    """An enterprise or institution at an event, with the outcome of its talks."""

    class Outcome(models.TextChoices):
        ATTENDED = "attended", _("参会")
        INTENT = "intent", _("达成意向")
        SIGNED = "signed", _("签约")

    event = models.ForeignKey(
        MatchmakingEvent, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participants"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_participations",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("金融机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_participations",
    )
    outcome = models.CharField(_("成果"), max_length=10, choices=Outcome.choices, default=Outcome.ATTENDED)
    amount = _money(_("意向或签约金额（万元）"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("对接活动参与方")
        verbose_name_plural = _("对接活动参与方")
        ordering = ["event_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(institution__isnull=False),
                name="event_participant_is_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.enterprise_id or ''}{self.institution_id or ''}"
