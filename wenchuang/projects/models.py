"""The key-project library (重点项目库, plan section 七): a project's facts, its yearly investment and
its lifecycle 征集 → 储备 → 扶持 → 开工 → 建成 (or 终止 with a reason).

The lifecycle is a django-fsm-2 machine (`status`, protected); every transition is persisted by
django_fsm_log and, with the business date and the evidence, as a `ProjectEvent`. Transitions are
called only by `services.py`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("征集·待区县审核")
    FORWARDED = "forwarded", _("征集·区县已推荐")
    RESERVE = "reserve", _("储备")
    SUPPORTED = "supported", _("扶持")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("建成")
    TERMINATED = "terminated", _("终止")


# States of a project the city has accepted into the library (the rates' population).
IN_LIBRARY = (Status.RESERVE, Status.SUPPORTED, Status.STARTED, Status.COMPLETED)
CALL_STATES = (Status.SUBMITTED, Status.FORWARDED)


class Project(ConcurrentTransitionMixin, models.Model):
    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    owner = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("业主企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_projects",
    )
    district = models.ForeignKey(
        "registry.District", verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="key_projects"
    )
    spatial_unit = models.ForeignKey(
        "plan.SpatialUnit",
        verbose_name=_("所属带、廊、组团"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_projects",
    )
    platform = models.ForeignKey(
        "registry.Platform",
        verbose_name=_("所在平台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_projects",
    )
    category = models.ForeignKey(
        "classify.CultureCategory",
        verbose_name=_("行业类别（大类）"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": 1},
        related_name="key_projects",
    )
    description = models.TextField(_("建设内容"), blank=True)
    planned_investment = models.DecimalField(_("计划总投资（万元）"), max_digits=16, decimal_places=2)
    planned_start = models.DateField(_("计划开工日期"))
    planned_completion = models.DateField(_("计划建成日期"))
    status = FSMField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, protected=True
    )
    # Business dates of the lifecycle, kept on the row so that the rates are one set-based query.
    accepted_on = models.DateField(_("入库日期"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工日期"), null=True, blank=True)
    actual_completion = models.DateField(_("实际建成日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    terminated_reason = models.TextField(_("终止原因"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_completion__gte=models.F("planned_start")),
                name="project_planned_order",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_investment__gte=0), name="project_investment_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["status", "district"], name="project_status_district")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    # --- lifecycle (called by services only; each writes the business date it stands for) ---

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.SUBMITTED, target=Status.FORWARDED)
    def forward(self, *, on: date, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.FORWARDED, target=Status.RESERVE)
    def accept(self, *, on: date, by: object = None, description: str = "") -> None:
        self.accepted_on = on

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.RESERVE, target=Status.SUPPORTED)
    def support(self, *, on: date, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=[Status.RESERVE, Status.SUPPORTED], target=Status.STARTED)
    def start(self, *, on: date, by: object = None, description: str = "") -> None:
        self.actual_start = on

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.STARTED, target=Status.COMPLETED)
    def complete(self, *, on: date, by: object = None, description: str = "") -> None:
        self.actual_completion = on

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.FORWARDED, Status.RESERVE, Status.SUPPORTED, Status.STARTED],
        target=Status.TERMINATED,
    )
    def terminate(self, *, on: date, by: object = None, description: str = "") -> None:
        self.terminated_on = on
        self.terminated_reason = description


class ProjectInvestment(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="investments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    planned = models.DecimalField(
        _("计划投资（万元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )
    actual = models.DecimalField(
        _("完成投资（万元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )

    class Meta:
        verbose_name = _("项目年度投资")
        verbose_name_plural = _("项目年度投资")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_investment_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"


TRANSITION_LABELS = {
    "submit": "申报",
    "forward": "区县推荐",
    "accept": "市级入库",
    "support": "列入扶持",
    "start": "开工",
    "complete": "建成",
    "terminate": "终止",
    "import": "导入",
}


class ProjectEvent(models.Model):
    """One dated step of a project's life: what happened, when (the business date), who recorded it and
    the evidence (e.g. 施工许可证编号, 竣工验收备案号)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events"
    )
    transition = models.CharField(_("环节"), max_length=20)
    source = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    target = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    on = models.DateField(_("发生日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.TextField(_("佐证材料"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目进程记录")
        verbose_name_plural = _("项目进程记录")
        ordering = ["project_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.transition} {self.on}"

    @property
    def transition_label(self) -> str:
        return TRANSITION_LABELS.get(self.transition, self.transition)
