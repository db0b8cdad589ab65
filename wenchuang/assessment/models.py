"""Tasks of the plan's six programmes (六大工程) with responsible units, yearly milestones and measures of
completion; progress reports with evidence reviewed by the lead office; the annual assessment method
kept as versioned data; bonus and deduction items. Scoring is `scoring.py` (pure)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description


class Unit(models.Model):
    """A responsible unit: a city department or a district government (the district office acts for it)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("市级部门")
        DISTRICT = "district", _("区县政府")

    code = models.SlugField(_("单位代码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    district = models.OneToOneField(
        "registry.District",
        verbose_name=_("区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_unit",
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Method(models.Model):
    """A published assessment method (考核办法), one row per version; never edited once published — a
    change is a new version. `rules` shape is checked by `scoring.check_rules`."""

    code = models.SlugField(_("办法代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    applies_from = models.PositiveSmallIntegerField(_("适用起始年度"))
    published_on = models.DateField(_("发布日期"))
    rules = models.JSONField(_("评分规则"))
    note = models.TextField(_("修订说明"), blank=True)

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = _("考核办法")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="assessment_method_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Task(models.Model):
    class Measure(models.TextChoices):
        NUMBER = "number", _("数值（对照目标）")
        YESNO = "yesno", _("是否完成（须佐证）")

    commitment = models.ForeignKey(
        "plan.Commitment",
        verbose_name=_("规划任务"),
        on_delete=models.PROTECT,
        related_name="assessment_tasks",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="tasks")
    code = models.SlugField(_("任务代码"), max_length=100, unique=True)
    measure = models.CharField(_("完成度量"), max_length=8, choices=Measure.choices)
    measure_unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["unit_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "unit"], name="assessment_task_unit_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.CharField(_("年度目标"), max_length=300)
    target_value = models.DecimalField(_("目标值"), null=True, blank=True, max_digits=16, decimal_places=4)
    due = models.DateField(_("报送截止日期"))

    class Meta:
        verbose_name = _("年度节点")
        verbose_name_plural = _("年度节点")
        ordering = ["task_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["task", "year"], name="assessment_milestone_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.year}"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已认定")
    RETURNED = "returned", _("已退回")


class Report(ConcurrentTransitionMixin, models.Model):
    """A unit's progress report on one milestone, with evidence; the lead office accepts or returns it.
    Only accepted reports count in the assessment (the latest one of a milestone)."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("年度节点"), on_delete=models.CASCADE, related_name="reports"
    )
    value = models.DecimalField(_("完成值"), null=True, blank=True, max_digits=16, decimal_places=4)
    done = models.BooleanField(_("已完成"), null=True, blank=True)
    evidence = models.TextField(_("佐证说明"))
    evidence_file = models.FileField(_("佐证文件"), upload_to="assessment/evidence/%Y/", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_on = models.DateField(_("报送日期"))
    state = FSMField(
        _("审核状态"),
        max_length=10,
        choices=ReportState.choices,
        default=ReportState.SUBMITTED,
        protected=True,
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["milestone_id", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.reported_on}"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.ACCEPTED)
    def accept(self, *, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.RETURNED)
    def send_back(self, *, by: object = None, description: str = "") -> None:
        pass


class Adjustment(models.Model):
    """A bonus (加分) or deduction (扣分) item of a unit's year, named after the method's item."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("加分")
        DEDUCTION = "deduction", _("扣分")

    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.CASCADE, related_name="adjustments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    item = models.CharField(_("办法条目"), max_length=40)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("事由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("加减分事项")
        verbose_name_plural = _("加减分事项")
        ordering = ["unit_id", "year", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gt=0), name="assessment_adjustment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.kind} {self.points}"
