"""Data approval (统计数据审核) of a district's annual enterprise data for one year, and the reminders
that chase missing filings (报送完整性).

A `DistrictYear` is a django-fsm-2 machine: 未提交 → 待审核 → 已审核（锁定）, or 待审核 → 已退回 (with
reasons per enterprise or per failed validation check) → 待审核 again; the city may reopen an approved
year (audited), which unlocks it. While approved, imports and edits touching the district-year are
refused (`selectors.assert_unlocked`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description


class State(models.TextChoices):
    OPEN = "open", _("未提交")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核（锁定）")


class DistrictYear(ConcurrentTransitionMixin, models.Model):
    district = models.ForeignKey(
        "registry.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="approvals"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("审核状态"), max_length=10, choices=State.choices, default=State.OPEN, protected=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.TextField(_("最近说明"), blank=True)

    class Meta:
        verbose_name = _("区县年度数据审核")
        verbose_name_plural = _("区县年度数据审核")
        ordering = ["-year", "district__code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="approval_district_year_unique")
        ]
        indexes = [models.Index(fields=["state", "year"], name="approval_state_year")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.year} {self.state}"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.OPEN, State.RETURNED], target=State.SUBMITTED)
    def submit(self, *, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, *, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def send_back(self, *, by: object = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.APPROVED, target=State.OPEN)
    def reopen(self, *, by: object = None, description: str = "") -> None:
        pass


class ReturnReason(models.Model):
    """Why the city returned a district-year: about one enterprise, one failed check, or the whole."""

    district_year = models.ForeignKey(
        DistrictYear, verbose_name=_("审核对象"), on_delete=models.CASCADE, related_name="reasons"
    )
    round = models.PositiveSmallIntegerField(_("退回轮次"))
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rule = models.ForeignKey(
        "stats.ValidationRule",
        verbose_name=_("未通过的校验规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("原因"))
    resolved = models.BooleanField(_("已处理"), default=False)
    created_at = models.DateTimeField(_("退回时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退回原因")
        verbose_name_plural = _("退回原因")
        ordering = ["district_year_id", "-round", "pk"]

    def __str__(self) -> str:
        return self.reason[:40]


class Reminder(models.Model):
    """An in-app reminder to an enterprise that its annual data of a year is missing (催报)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="filing_reminders",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    message = models.TextField(_("提醒内容"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("催报提醒")
        verbose_name_plural = _("催报提醒")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["enterprise", "year"], name="reminder_enterprise_year")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"
