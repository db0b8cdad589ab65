"""The NBS Classification of Culture and Related Industries (2018) and its GB/T 4754-2017 map."""

from __future__ import annotations

from django.db import models
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
