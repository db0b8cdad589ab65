"""A development plan held as data: its indicators and targets, spatial layout, industries,
programmes with their commitments, and the base-year facts it states.

Rows are written only by `services.plan_load` from a plan file (see docs/plan-format.md); the file is
the source of truth and every row carries the natural key the loader upserts by.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from wenchuang.registry.models import District, Platform

# Sequence numbers are checked unique by the file validator, not by the database: a reload that
# reorders rows updates them in one statement, which a non-deferred unique index would reject.

# Plan figures are small (at most 万亿 in 亿元) but some carry two decimals (12.41%).
VALUE_DIGITS, VALUE_PLACES = 20, 4


class TargetOp(models.TextChoices):
    """How a target is to be read; the plan's wording decides (实现 → >=, 突破/超过 → >, 左右 → ~)."""

    GTE = ">=", _("达到（不低于）")
    GT = ">", _("超过")
    LTE = "<=", _("不高于")
    LT = "<", _("低于")
    APPROX = "~", _("左右")


class FactQualifier(models.TextChoices):
    """How a stated fact is qualified in the text (8001亿 / 40%以上 / 30余位 / 约)."""

    EXACT = "=", _("确数")
    AT_LEAST = ">=", _("以上")
    MORE_THAN = ">", _("余（超过）")
    APPROX = "~", _("约")


def format_value(value: Decimal | None) -> str:
    """2285.0000 → "2285", 12.4100 → "12.41"; the plan never prints trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def format_target(op: str, value: Decimal | None) -> str:
    """The target as the plan's table prints it: ">=" is the plain number, the others carry their sign."""
    number = format_value(value)
    if op == TargetOp.GTE:
        return number
    if op == TargetOp.APPROX:
        return f"{number}左右"
    return f"{op.replace('<=', '≤')}{number}"


class RegionLevel(models.TextChoices):
    """The level of a plan's region (GB/T 2260), read from the code's shape (registry.regions)."""

    NATION = "nation", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级市")
    COUNTY = "county", _("区县")


class Plan(models.Model):
    code = models.SlugField(_("规划代码"), max_length=64, unique=True)
    name = models.CharField(_("规划名称"), max_length=200)
    # The region the plan speaks for: the city's own plan, or a district's (县级) plan, side by side.
    region_code = models.CharField(_("区划代码"), max_length=6)
    region_level = models.CharField(_("区划层级"), max_length=8, choices=RegionLevel.choices)
    start_year = models.PositiveSmallIntegerField(_("规划期起始年"))
    end_year = models.PositiveSmallIntegerField(_("规划期末年"))
    base_year = models.PositiveSmallIntegerField(_("基期年"))
    vision_year = models.PositiveSmallIntegerField(_("远景目标年"), null=True, blank=True)
    source_title = models.CharField(_("来源文件标题"), max_length=300)
    source_sha256 = models.CharField(_("来源文本SHA-256"), max_length=64, blank=True)
    file_name = models.CharField(_("规划数据文件"), max_length=200)
    file_sha256 = models.CharField(_("规划数据文件SHA-256"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    # Changes only when a load changed something, so re-loading an unchanged file is a no-op.
    loaded_at = models.DateTimeField(_("最近载入变更时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_period"
            ),
            models.CheckConstraint(
                condition=models.Q(base_year__lt=models.F("start_year")), name="plan_base_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        return f"{self.start_year}—{self.end_year}"

    @property
    def city_code(self) -> str:
        """The city (地级) the plan's region lies in — what the public plan list has always shown;
        empty for a province's or the nation's plan."""
        if self.region_level == RegionLevel.COUNTY:
            return self.region_code[:4] + "00"
        return self.region_code if self.region_level == RegionLevel.CITY else ""

    @property
    def is_county_plan(self) -> bool:
        return self.region_level == RegionLevel.COUNTY


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    class Category(models.TextChoices):
        MAIN = "main", _("主要指标")
        VISION = "vision", _("远景目标")
        OTHER = "other", _("其他目标")

    plan = models.ForeignKey(
        Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("指标代码"), max_length=64)
    category = models.CharField(_("类别"), max_length=8, choices=Category.choices, default=Category.MAIN)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=20)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    base_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    base_value = models.DecimalField(
        _("基期值"), null=True, blank=True, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    target_op = models.CharField(_("目标关系"), max_length=2, choices=TargetOp.choices, default=TargetOp.GTE)
    target_value = models.DecimalField(_("目标值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    # Declarative definition for the statistics engine; shape checked by plan.schema.Formula.
    formula = models.JSONField(_("计算公式"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    quote = models.TextField(_("规划原文"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规划指标")
        verbose_name_plural = _("规划指标")
        ordering = ["plan_id", "category", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(base_year__isnull=True) | models.Q(base_year__lt=models.F("target_year")),
                name="plan_indicator_base_before_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}（{self.unit}）"

    @property
    def target_display(self) -> str:
        return format_target(self.target_op, self.target_value)


class SpatialUnit(models.Model):
    """A belt (带), corridor (廊), cluster (组团) or a group of districts the plan speaks of together."""

    class Kind(models.TextChoices):
        BELT = "belt", _("产业带")
        CORRIDOR = "corridor", _("产业走廊")
        CLUSTER = "cluster", _("产业组团")
        REGION_GROUP = "region_group", _("区域组合")

    plan = models.ForeignKey(
        Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="spatial_units"
    )
    code = models.SlugField(_("代码"), max_length=64)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("规划表述"), blank=True)
    # E.g. that the member districts are our reading of the text, pending confirmation by the city office.
    note = models.TextField(_("说明"), blank=True)
    districts: models.ManyToManyField[District, SpatialUnitDistrict] = models.ManyToManyField(
        "registry.District",
        verbose_name=_("成员区县"),
        through="SpatialUnitDistrict",
        related_name="plan_spatial_units",
        blank=True,
    )
    platforms: models.ManyToManyField[Platform, SpatialUnitPlatform] = models.ManyToManyField(
        "registry.Platform",
        verbose_name=_("重点平台"),
        through="SpatialUnitPlatform",
        related_name="plan_spatial_units",
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("空间布局单元")
        verbose_name_plural = _("空间布局单元（带、廊、组团）")
        ordering = ["plan_id", "kind", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_spatial_unit_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SpatialUnitDistrict(models.Model):
    spatial_unit = models.ForeignKey(
        SpatialUnit, verbose_name=_("空间单元"), on_delete=models.CASCADE, related_name="district_links"
    )
    district = models.ForeignKey(
        "registry.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="plan_unit_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("空间单元成员区县")
        verbose_name_plural = _("空间单元成员区县")
        ordering = ["spatial_unit_id", "district__code"]
        constraints = [
            models.UniqueConstraint(fields=["spatial_unit", "district"], name="plan_unit_district_unique")
        ]

    def __str__(self) -> str:
        return f"{self.spatial_unit_id} · {self.district_id}"


class SpatialUnitPlatform(models.Model):
    """A key platform of a unit, in the order the plan's table lists it."""

    spatial_unit = models.ForeignKey(
        SpatialUnit, verbose_name=_("空间单元"), on_delete=models.CASCADE, related_name="platform_links"
    )
    platform = models.ForeignKey(
        "registry.Platform", verbose_name=_("平台"), on_delete=models.PROTECT, related_name="plan_unit_links"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("空间单元重点平台")
        verbose_name_plural = _("空间单元重点平台")
        ordering = ["spatial_unit_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["spatial_unit", "platform"], name="plan_unit_platform_unique")
        ]

    def __str__(self) -> str:
        return f"{self.spatial_unit_id} · {self.seq}"


class SpatialUnitTarget(models.Model):
    spatial_unit = models.ForeignKey(
        SpatialUnit, verbose_name=_("空间单元"), on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.SlugField(_("度量"), max_length=40)
    year = models.PositiveSmallIntegerField(_("目标年"))
    op = models.CharField(_("目标关系"), max_length=2, choices=TargetOp.choices, default=TargetOp.GTE)
    value = models.DecimalField(_("目标值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    unit = models.CharField(_("单位"), max_length=20)
    quote = models.TextField(_("规划原文"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("空间单元目标")
        verbose_name_plural = _("空间单元目标")
        ordering = ["spatial_unit_id", "measure", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["spatial_unit", "measure", "year"], name="plan_unit_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year} {format_target(self.op, self.value)}{self.unit}"


class IndustryFocus(models.Model):
    class Kind(models.TextChoices):
        ADVANTAGE = "advantage", _("优势行业")
        EMERGING = "emerging", _("新兴业态")

    plan = models.ForeignKey(
        Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="industries"
    )
    code = models.SlugField(_("代码"), max_length=64)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("简述"), blank=True)
    # Culture 小类 codes (2018 classification) the statistics engine sums for this industry; our reading.
    culture_codes = models.JSONField(_("对应文化产业小类"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点行业")
        verbose_name_plural = _("重点行业（优势行业与新兴业态）")
        ordering = ["plan_id", "kind", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_industry_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """One of the plan's engineering programmes (六大工程)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="programmes"
    )
    code = models.SlugField(_("代码"), max_length=64)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("简述"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点工程")
        verbose_name_plural = _("重点工程")
        ordering = ["plan_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_programme_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """A concrete task of a programme; the ones with a metric and target can be tracked by number."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("重点工程"), on_delete=models.CASCADE, related_name="commitments"
    )
    code = models.SlugField(_("代码"), max_length=64)
    seq = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("任务内容"))
    metric = models.SlugField(_("量化指标"), max_length=64, blank=True)
    target_op = models.CharField(_("目标关系"), max_length=2, choices=TargetOp.choices, blank=True)
    target_value = models.DecimalField(
        _("目标值"), null=True, blank=True, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("完成年限"), null=True, blank=True)
    responsible = models.CharField(_("责任说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工程任务")
        verbose_name_plural = _("工程任务")
        ordering = ["programme_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="plan_commitment_code_unique"),
            # A number without a comparison (or the reverse) cannot be monitored.
            models.CheckConstraint(
                condition=(models.Q(target_value__isnull=True) & models.Q(target_op=""))
                | (models.Q(target_value__isnull=False) & ~models.Q(target_op="")),
                name="plan_commitment_target_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def target_display(self) -> str:
        if self.target_value is None:
            return ""
        return f"{format_target(self.target_op, self.target_value)}{self.unit}"


class PlanFact(models.Model):
    """A figure the plan states about the past (section 一), with the sentence it comes from."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="facts")
    code = models.SlugField(_("代码"), max_length=64)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年份"))
    qualifier = models.CharField(
        _("数值限定"), max_length=2, choices=FactQualifier.choices, default=FactQualifier.EXACT
    )
    value = models.DecimalField(_("数值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    unit = models.CharField(_("单位"), max_length=20)
    spatial_unit = models.ForeignKey(
        SpatialUnit,
        verbose_name=_("所属空间单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facts",
    )
    quote = models.TextField(_("规划原文"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规划基期事实")
        verbose_name_plural = _("规划基期事实")
        ordering = ["plan_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_fact_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"
