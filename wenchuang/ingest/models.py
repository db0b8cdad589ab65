"""Import batches (provenance, counts, undo) and the facts only ingestion brings: registration details,
tax and social-insurance years. Every fact points at the batch that last set it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenchuang.registry.models import money_field


def _resolve(stored: str) -> Path | None:
    if not stored:
        return None
    path = Path(stored)
    return path if path.is_absolute() else Path(settings.VAR_DIR) / path


def var_relative(path: Path) -> str:
    """How a file under VAR_DIR is stored on a batch: relative, so a restore elsewhere still finds it."""
    try:
        return str(Path(path).resolve().relative_to(Path(settings.VAR_DIR).resolve()))
    except ValueError:
        return str(path)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("未写入（有错误）")
        FAILED = "failed", _("文件无法导入")
        UNDONE = "undone", _("已撤销")
        DISCARDED = "discarded", _("已丢弃")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all-or-nothing", _("全部成功才写入")
        VALID_ONLY = "valid-only", _("只写入有效行")

    kind = models.CharField(_("数据类型"), max_length=16)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    stored_path = models.CharField(_("上传文件存放路径"), max_length=500, blank=True)
    mode = models.CharField(_("导入方式"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    unit = models.CharField(_("金额单位"), max_length=4, default="万元")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("说明"), blank=True)
    total = models.PositiveIntegerField(_("数据行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    inserted = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    error_file = models.CharField(_("错误行文件"), max_length=500, blank=True)
    years = models.JSONField(_("涉及年度"), default=list)
    classification = models.JSONField(_("分类结果"), default=dict)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # what the file carried besides its rows: "ignored_columns" (one Chinese line per column not
    # imported, with the closest known column), "district_mapped" (rows whose district was read from a
    # name or a pre-2021 code), "district_review" (row numbers whose split could not be resolved)
    report = models.JSONField(_("导入说明"), default=dict, blank=True)
    # The background job running the batch and its last sign of life (progress or state change): a
    # batch whose job failed, or that shows no life for WENCHUANG_IMPORT_STALE_MINUTES, is failed.
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"

    @property
    def error_path(self) -> Path | None:
        """The rejected-rows workbook (stored relative to VAR_DIR; older rows hold absolute paths)."""
        return _resolve(self.error_file)

    @property
    def upload_path(self) -> Path | None:
        return _resolve(self.stored_path)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))

    def summary(self) -> dict[str, object]:
        return {
            "batch": self.pk,
            "kind": self.kind,
            "file": self.file_name,
            "sha256": self.sha256,
            "status": self.status,
            "mode": self.mode,
            "rows": self.total,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "error_file": str(self.error_path) if self.error_path else None,
            "message": self.message,
            "ignored_columns": list(self.report.get("ignored_columns", [])),
            "district_mapped": self.report.get("district_mapped", 0),
            "district_review": list(self.report.get("district_review", [])),
        }


class BatchChange(models.Model):
    """What a batch replaced: the previous values of a row it updated (insertions are found through the
    provenance pointers and need no row here). Undo restores these."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    target = models.CharField(
        max_length=24
    )  # enterprise | registration | enterprise_year | annual_source | tax | social | official
    object_id = models.BigIntegerField()
    before = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["batch", "target"], name="ingest_change_batch_target")]

    def __str__(self) -> str:
        return f"BatchChange #{self.pk}"


class EnterpriseRegistration(models.Model):
    """Registration details beyond the registry's enterprise record, and the batch that last set them."""

    enterprise = models.OneToOneField(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="registration",
        primary_key=True,
    )
    enterprise_type = models.CharField(_("企业类型"), max_length=100, blank=True)
    registered_address = models.CharField(_("注册地址"), max_length=300, blank=True)
    registered_capital = models.DecimalField(
        _("注册资本（万，按币种）"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    capital_currency = models.CharField(_("注册资本币种"), max_length=8, blank=True)
    district_original = models.CharField(
        _("文件中的区县"), max_length=300, blank=True, help_text=_("按名称或2021年前旧区划换算前的原值")
    )
    district_note = models.CharField(_("区县换算说明"), max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("工商登记信息")
        verbose_name_plural = _("工商登记信息")

    def __str__(self) -> str:
        return f"EnterpriseRegistration #{self.pk}"


class AnnualSource(models.Model):
    """Provenance of one enterprise-year: the batch that last set it."""

    enterprise_year = models.OneToOneField(
        "registry.EnterpriseYear", on_delete=models.CASCADE, related_name="source", primary_key=True
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"AnnualSource #{self.pk}"


class TaxYear(models.Model):
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tax_years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    tax_paid = money_field(_("纳税额（万元）"))
    credit_grade = models.CharField(_("纳税信用等级"), max_length=1, blank=True)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("企业年度纳税")
        verbose_name_plural = _("企业年度纳税")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="ingest_tax_year_unique")]

    def __str__(self) -> str:
        return f"TaxYear #{self.pk}"


class SocialInsuranceYear(models.Model):
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="social_years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    insured = models.PositiveIntegerField(_("参保人数"))
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("企业年度社保")
        verbose_name_plural = _("企业年度社保")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="ingest_social_year_unique")
        ]

    def __str__(self) -> str:
        return f"SocialInsuranceYear #{self.pk}"


class OfficialSource(models.Model):
    """Provenance of an official figure entered through an import."""

    figure = models.OneToOneField(
        "stats.OfficialFigure", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"OfficialSource #{self.pk}"
