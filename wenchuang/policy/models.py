"""惠企政策 as data: policies with versions (each version a rule of the rule engine), clauses, the
免申即享 rounds and their payments, online 申兑 applications as a state machine, fact corrections and
human reviews (PIPL Art. 24), and the notices an enterprise sees. Money in 万元."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from wenchuang.registry.models import District, Enterprise, money_field


class Policy(models.Model):
    class Mode(models.TextChoices):
        EXEMPT = "exempt", _("免申即享")
        FAST = "fast", _("快申快享")
        NORMAL = "normal", _("普通申报")

    class BenefitType(models.TextChoices):
        SUBSIDY = "subsidy", _("资金补助")
        REWARD = "reward", _("奖励")
        INTEREST = "interest", _("贷款贴息")
        RENT = "rent", _("租金减免")
        HONOUR = "honour", _("认定与荣誉")

    code = models.SlugField(_("政策代码"), max_length=60, unique=True)
    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=100)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    region = models.ForeignKey(
        District,
        verbose_name=_("适用区域（空为全市）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_from = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    mode = models.CharField(_("兑现方式"), max_length=8, choices=Mode.choices)
    benefit_type = models.CharField(_("扶持方式"), max_length=10, choices=BenefitType.choices)
    benefit_amount = money_field(_("扶持金额（万元）"))
    benefit_formula = models.CharField(_("金额计算方法"), max_length=200, blank=True)
    benefit_cap = money_field(_("最高金额（万元）"))
    industries = models.CharField(_("适用行业（文化产业大类，空为不限）"), max_length=100, blank=True)
    summary = models.TextField(_("政策摘要"), blank=True)
    # 申兑指南
    beneficiaries = models.TextField(_("扶持对象"), blank=True)
    conditions_text = models.TextField(_("申报条件"), blank=True)
    pay_within_days = models.PositiveSmallIntegerField(_("兑现时限（工作日）"), default=60)
    where_to_apply = models.CharField(_("申报渠道"), max_length=200, blank=True)
    contact_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    required_attachments = models.JSONField(_("所需材料"), default=list, blank=True)
    # 工作手册（对工作人员）
    handbook = models.TextField(_("工作手册"), blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.expires_on is None or on < self.expires_on)


class PolicyVersion(models.Model):
    """The policy's conditions from `valid_from` on, as a rule of the rule engine."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    valid_from = models.DateField(_("生效日期"))
    rule = models.JSONField(_("适用条件（规则）"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["policy_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"


class PolicyTestCase(models.Model):
    """Facts → expected outcome, kept with the policy and run whenever its rule is saved."""

    class Expected(models.TextChoices):
        TRUE = "true", _("符合")
        FALSE = "false", _("不符合")
        UNKNOWN = "unknown", _("缺数据")

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="test_cases"
    )
    name = models.CharField(_("用例名称"), max_length=100)
    facts = models.JSONField(_("事实"))
    expected = models.CharField(_("预期结果"), max_length=8, choices=Expected.choices)

    class Meta:
        verbose_name = _("政策测试用例")
        verbose_name_plural = _("政策测试用例")
        ordering = ["policy_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Clause(models.Model):
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="clauses"
    )
    number = models.CharField(_("条款"), max_length=20)
    text = models.TextField(_("条款内容"))

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["policy_id", "pk"]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.number}"


class ExemptRound(models.Model):
    """One 免申即享 round: the enterprises a policy version selects on a date, confirmed by staff."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待确认")
        CONFIRMED = "confirmed", _("已确认并通知")

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="rounds"
    )
    version = models.ForeignKey(PolicyVersion, verbose_name=_("政策版本"), on_delete=models.PROTECT)
    as_of = models.DateField(_("测算日期"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("测算人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("测算时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("免申即享批次")
        verbose_name_plural = _("免申即享批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.as_of}"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.CONFIRMED)
    def confirm(self, *, by: Any = None, description: str = "") -> None:
        pass


class RoundEntry(models.Model):
    round = models.ForeignKey(
        ExemptRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="entries"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(_("兑现金额（万元）"))
    explanation = models.JSONField(_("符合条件说明"), default=dict)

    class Meta:
        verbose_name = _("免申即享名单")
        verbose_name_plural = _("免申即享名单")
        ordering = ["round_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["round", "enterprise"], name="round_entry_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.enterprise_id}"


class Application(models.Model):
    """An online 申兑 application: district review, then city review, then payment."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待区县审核")
        DISTRICT_APPROVED = "district_approved", _("待市级审核")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("审核通过，待兑现")
        REJECTED = "rejected", _("不予支持")
        PAID = "paid", _("已兑现")

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(PolicyVersion, verbose_name=_("政策版本"), on_delete=models.PROTECT)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="policy_applications"
    )
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    form_data = models.JSONField(_("申报信息"), default=dict)
    amount_requested = money_field(_("申请金额（万元）"))
    amount_approved = money_field(_("核定金额（万元）"))
    last_reason = models.TextField(_("最近一次退回或不予支持的理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("兑现时间"), null=True, blank=True)
    due_on = models.DateField(_("兑现期限"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("服务评价（1-5）"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("政策申兑")
        verbose_name_plural = _("政策申兑")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="application_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"申兑#{self.pk}"

    # Transitions: who may call which is checked in services (and listed in the access rules).
    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.DISTRICT_APPROVED)
    def district_approve(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DISTRICT_APPROVED, target=State.APPROVED)
    def city_approve(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.SUBMITTED, State.DISTRICT_APPROVED], target=State.RETURNED)
    def return_for_changes(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.SUBMITTED, State.DISTRICT_APPROVED], target=State.REJECTED)
    def reject(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.APPROVED, target=State.PAID)
    def pay(self, *, by: Any = None, description: str = "") -> None:
        pass


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申兑"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to="policy/attachments/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application_id", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Payment(models.Model):
    """A 兑现: money paid to an enterprise under a policy, from an application or a 免申即享 round."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="payments"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额（万元）"), max_digits=18, decimal_places=2)
    paid_on = models.DateField(_("兑现日期"))
    reference = models.CharField(_("凭证号"), max_length=60, blank=True)
    application = models.OneToOneField(
        Application,
        verbose_name=_("申兑"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
    )
    round_entry = models.OneToOneField(
        RoundEntry,
        verbose_name=_("免申即享名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
    )
    days_to_pay = models.PositiveIntegerField(_("受理至兑现天数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策兑现")
        verbose_name_plural = _("政策兑现")
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(round_entry__isnull=False),
                name="payment_has_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.amount}万元"


class FactCorrection(models.Model):
    """An enterprise asks to correct a fact (with evidence) or for a human review of an automated
    "not eligible" (PIPL Art. 24). Reviewed by staff; the review is recorded."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("更正事实")
        REVIEW = "review", _("人工复核")

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        DECLINED = "declined", _("未采纳")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="fact_corrections"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    fact = models.CharField(_("事实"), max_length=60, blank=True)
    claimed_value = models.CharField(_("更正为"), max_length=100, blank=True)
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.JSONField(_("自动判断说明"), default=dict, blank=True)
    message = models.TextField(_("企业说明"))
    evidence = models.FileField(_("证明材料"), upload_to="policy/evidence/%Y/%m/", blank=True)
    state = FSMField(_("状态"), default=State.PENDING, choices=State.choices, protected=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事实更正与人工复核")
        verbose_name_plural = _("事实更正与人工复核")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PENDING, target=State.ACCEPTED)
    def accept(self, *, by: Any = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PENDING, target=State.DECLINED)
    def decline(self, *, by: Any = None, description: str = "") -> None:
        pass


class Notice(models.Model):
    """A message to an enterprise shown in its 我的企业 page (免申即享 results, review outcomes)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业通知")
        verbose_name_plural = _("企业通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
