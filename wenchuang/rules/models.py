"""Parameters of rules: named thresholds whose value changes from a date, each with its legal source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Parameter(models.Model):
    key = models.SlugField(_("参数代码"), max_length=60, unique=True)
    label = models.CharField(_("参数名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    description = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class ParameterValue(models.Model):
    """The value of a parameter from `valid_from` until `valid_to` (exclusive; open when empty)."""

    parameter = models.ForeignKey(
        Parameter, verbose_name=_("参数"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.DecimalField(_("取值"), max_digits=18, decimal_places=4)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    legal_source = models.CharField(_("依据（文件与条款）"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参数取值")
        verbose_name_plural = _("参数取值")
        ordering = ["parameter_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["parameter", "valid_from"], name="rules_param_value_from_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="rules_param_value_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parameter_id} {self.value} ({self.valid_from})"
