"""Generated reports: what was asked (kind, plan, year, format, district scope), by whom, when, the
data's "as of", the file's SHA-256 and where it is stored (under settings.VAR_DIR / "reports")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description


class ReportVersion(models.Model):
    """A version of the final evaluation the office writes: the text of the sections a person writes
    (主要成效, 存在问题, 对策建议, “十五五”思路), drafted from the numbers and edited in the browser, in a
    workflow 草稿 → 审核 → 定稿 (transitions logged by django_fsm_log). A 定稿 version never changes;
    its documents carry its text."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("审核中")
        FINAL = "final", _("定稿")

    kind = models.CharField(_("报告类型"), max_length=20, default="final-evaluation")
    plan_code = models.CharField(_("规划代码"), max_length=64)
    year = models.PositiveSmallIntegerField(_("评估年度"), null=True, blank=True)
    district_codes = models.JSONField(_("区县范围"), default=list, blank=True)
    scope_label = models.CharField(_("范围"), max_length=200, default="全市")
    number = models.PositiveIntegerField(_("版本号"), default=1)
    sections = models.JSONField(_("编写章节"), default=dict, blank=True)
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评估报告版本")
        verbose_name_plural = _("评估报告版本")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "plan_code", "district_codes", "number"], name="report_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_code} 第{self.number}版（{self.get_state_display()}）"

    @property
    def editable(self) -> bool:
        return self.state == self.State.DRAFT

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.REVIEW)
    def submit(self, by: object = None, description: str | None = None) -> None:
        """草稿 → 审核."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REVIEW, target=State.DRAFT)
    def send_back(self, by: object = None, description: str | None = None) -> None:
        """审核 → 草稿 (returned for changes)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REVIEW, target=State.FINAL)
    def finalise(self, by: object = None, description: str | None = None) -> None:
        """审核 → 定稿: from now on the version is read-only."""


class GeneratedReport(models.Model):
    class Kind(models.TextChoices):
        MONITORING = "monitoring", _("统计监测报告")
        FINAL_EVALUATION = "final-evaluation", _("“十四五”规划终期评估报告")

    class Format(models.TextChoices):
        DOCX = "docx", _("Word（DOCX）")
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel（XLSX）")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("报告类型"), max_length=20, choices=Kind.choices)
    plan_code = models.CharField(_("规划代码"), max_length=64)
    year = models.PositiveSmallIntegerField(_("报告年度"), null=True, blank=True)
    format = models.CharField(_("格式"), max_length=4, choices=Format.choices)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    district_codes = models.JSONField(
        _("区县范围"), default=list, blank=True, help_text=_("空表示全市；区县管理员只含其所辖区县")
    )
    scope_label = models.CharField(_("范围"), max_length=200, default="全市")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    data_as_of = models.DateTimeField(_("数据截至"), null=True, blank=True)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, blank=True)
    file_path = models.CharField(_("文件路径（相对 VAR_DIR/reports）"), max_length=300, blank=True)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("进度说明"), max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("报告版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("终期评估：文件所载编写章节来自该版本"),
    )
    publication = models.ForeignKey(
        "stats.Publication",
        verbose_name=_("数据版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("指标数值取自该发布版本；空表示工作数据（未发布）"),
    )

    class Meta:
        verbose_name = _("生成的报告")
        verbose_name_plural = _("报告中心：生成记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year or ''} {self.format}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def file_name(self) -> str:
        year = f"-{self.year}" if self.year else ""
        return f"{self.plan_code}-{self.kind}{year}-{self.pk}.{self.format}"
