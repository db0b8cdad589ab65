"""The NBS Classification of Culture and Related Industries (2018) and its GB/T 4754-2017 map."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CultureCategory(models.Model):
    class Level(models.IntegerChoices):
        MAJOR = 1, _("大类")
        MIDDLE = 2, _("中类")
        MINOR = 3, _("小类")

    class Domain(models.TextChoices):
        CORE = "core", _("文化核心领域")
        RELATED = "related", _("文化相关领域")

    class NameCheck(models.TextChoices):
        VERBATIM = "V1", _("已核（国家统计局原文）")
        GBT = "V2", _("已核（同GB/T 4754名称）")
        UNVERIFIED = "U", _("待核")

    code = models.CharField(_("分类代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    domain = models.CharField(_("领域"), max_length=8, choices=Domain.choices)
    is_new_form = models.BooleanField(
        _("新业态特征明显的16个小类"), default=False, help_text=_("用于计算数字文化（新业态）占比")
    )
    new_form_seq = models.PositiveSmallIntegerField(_("新业态序号"), null=True, blank=True)
    name_check = models.CharField(_("名称核验"), max_length=2, choices=NameCheck.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("文化产业分类")
        verbose_name_plural = _("文化产业分类（2018）")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="culture_category_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def needs_check(self) -> bool:
        return self.name_check == self.NameCheck.UNVERIFIED


class GbtIndustryMapping(models.Model):
    """One GB/T 4754-2017 industry code mapped to a culture 小类; `partial` = marked * in the standard."""

    gbt_code = models.CharField(_("国民经济行业代码"), max_length=4, unique=True)
    gbt_name = models.CharField(_("国民经济行业名称"), max_length=100)
    category = models.ForeignKey(
        CultureCategory,
        verbose_name=_("文化产业小类"),
        on_delete=models.PROTECT,
        related_name="gbt_mappings",
        limit_choices_to={"level": 3},
    )
    partial = models.BooleanField(_("部分属于文化产业(*)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行业代码对照")
        verbose_name_plural = _("行业代码对照（GB/T 4754-2017 → 文化产业小类）")
        ordering = ["category__code", "gbt_code"]

    def __str__(self) -> str:
        return f"{self.gbt_code}{'*' if self.partial else ''} → {self.category.code}"


class KeywordRule(models.Model):
    """Keyword rule for one partial (*) GB/T code: which words in the business scope place an enterprise in
    the culture 小类 and which words speak against it. Data, edited by the 统计员 in the admin."""

    gbt_code = models.CharField(_("国民经济行业代码"), max_length=4, unique=True)
    category_code = models.CharField(_("文化产业小类代码"), max_length=4)
    include_keywords = models.TextField(_("纳入关键词"), help_text=_("以空格、逗号或换行分隔"))
    exclude_keywords = models.TextField(_("排除关键词"), blank=True, help_text=_("出现即降低置信度"))
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("经营范围关键词规则")
        verbose_name_plural = _("经营范围关键词规则（部分属于文化产业的行业*）")
        ordering = ["category_code", "gbt_code"]

    def __str__(self) -> str:
        return f"{self.gbt_code}* → {self.category_code}"


class ClassificationDecision(models.Model):
    """The current classification of one enterprise, with its confidence and a readable reason.
    A reviewer's decision (method=review) sticks while the industry code and business scope stay the same."""

    class Method(models.TextChoices):
        CODE = "code", _("按行业代码")
        SCOPE = "scope", _("按经营范围关键词")
        REVIEW = "review", _("人工审核")

    enterprise = models.OneToOneField(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="classification"
    )
    category = models.ForeignKey(
        CultureCategory,
        verbose_name=_("文化产业小类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confidence = models.FloatField(_("置信度"))
    reason = models.TextField(_("判定理由"))
    method = models.CharField(_("判定方式"), max_length=8, choices=Method.choices)
    gbt_code = models.CharField(_("判定时的行业代码"), max_length=4, blank=True)
    scope_hash = models.CharField(_("判定时的经营范围摘要"), max_length=16, blank=True)
    needs_review = models.BooleanField(_("待审核"), default=False)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # partial index below
    )
    decided_at = models.DateTimeField(_("判定时间"))

    class Meta:
        verbose_name = _("分类判定")
        verbose_name_plural = _("分类判定")
        ordering = ["enterprise_id"]
        # Both columns are set on a small minority of rows (the queue, the reviewed); partial indexes
        # serve the queue and a reviewer's deletion without an index entry per imported enterprise.
        indexes = [
            models.Index(
                fields=["needs_review"], condition=Q(needs_review=True), name="decision_review_queue"
            ),
            models.Index(
                fields=["reviewed_by"], condition=Q(reviewed_by__isnull=False), name="decision_reviewed_by"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.category_id or '非文化'}"


class ReclassifyRun(models.Model):
    """A background re-classification after keyword rules changed, and what moved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    gbt_codes = models.JSONField(_("涉及的行业代码"), default=list)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    examined = models.PositiveIntegerField(_("检查企业数"), default=0)
    moved = models.PositiveIntegerField(_("变动企业数"), default=0)
    moves = models.JSONField(_("变动明细（原小类→新小类：家数）"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("重新分类记录")
        verbose_name_plural = _("重新分类记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"ReclassifyRun #{self.pk}"
