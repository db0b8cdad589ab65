"""The cultural-industry database: divisions, platforms, enterprises and their annual facts,
talents and export items. Money is stored in 万元 (Decimal); screens show 亿元 where users expect it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenchuang.core.crypto import EncryptedTextField
from wenchuang.core.validators import validate_uscc


def money_field(label: Any) -> models.DecimalField:
    """Money in 万元 with 2 decimals (to the 元 cent); null means not reported, never zero."""
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True)


class Division(models.Model):
    """A division of GB/T 2260 at any level — province, city (地级), county — as dated reference data.

    The reference of names, levels and validity; retired codes stay with their `valid_to`, so a file or
    a series that still carries one can be read. Fact cells and enterprises point at `District`, the
    county-level divisions in force in the deployment's region."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=10)
    parent_code = models.CharField(_("上级区划代码"), max_length=6)
    valid_from = models.DateField(_("启用日期"), null=True, blank=True, help_text=_("空：早于所记载的变更"))
    valid_to = models.DateField(_("停用日期"), null=True, blank=True, help_text=_("空：现行"))
    note = models.TextField(_("沿革说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区划参考")
        verbose_name_plural = _("区划参考（GB/T 2260，分级、带有效期）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> bool:
        return self.valid_to is None


class District(models.Model):
    """A county-level division (GB/T 2260) in force in the deployment's region (a city's districts and
    counties, or every county of a province); `parent_code` is its city."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10)
    parent_code = models.CharField(_("上级区划代码"), max_length=6)
    note = models.TextField(_("沿革说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划（GB/T 2260）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """A park, base, street (街区), HQ platform or other carrier named by a plan or recognised officially."""

    class Kind(models.TextChoices):
        PARK = "park", _("文化产业园区（基地）")
        STREET = "street", _("文化创意街区")
        HQ = "hq", _("企业总部平台")
        TOWN = "town", _("特色小镇")
        INSTITUTION = "institution", _("院校与文化设施")
        PROJECT = "project", _("重点项目")
        OTHER = "other", _("其他载体")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")
        NONE = "none", _("未认定")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    level = models.CharField(_("认定级别"), max_length=10, choices=Level.choices, default=Level.NONE)
    district = models.ForeignKey(
        District,
        verbose_name=_("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platforms",
    )
    recognized_year = models.PositiveSmallIntegerField(_("认定年份"), null=True, blank=True)
    revoked_year = models.PositiveSmallIntegerField(_("撤销年份"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("园区与平台")
        verbose_name_plural = _("园区与平台")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("存续（在营）")
        DEREGISTERED = "deregistered", _("注销")
        REVOKED = "revoked", _("吊销")
        MOVED_OUT = "moved_out", _("迁出")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    gbt_code = models.CharField(_("国民经济行业代码"), max_length=4, blank=True, db_index=True)
    business_scope = models.TextField(_("经营范围"), blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="enterprises"
    )
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("所在园区（平台）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(_("登记状态"), max_length=14, choices=Status.choices, default=Status.ACTIVE)
    culture_category = models.ForeignKey(
        "classify.CultureCategory",
        verbose_name=_("文化产业小类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": 3},
    )
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("文化企业")
        verbose_name_plural = _("文化企业")
        ordering = ["uscc"]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"


# The annual facts of an enterprise-year, in one order for bulk writers and readers (demo, bench, hashes).
ENTERPRISE_YEAR_FACTS = (
    "revenue",
    "labor_compensation",
    "net_production_tax",
    "depreciation",
    "operating_surplus",
    "total_output",
    "employees",
    "exports",
    "is_above_scale",
    "is_listed",
    "is_leading",
)


class EnterpriseYear(models.Model):
    """Annual facts of one enterprise. Money in 万元."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="years",
        db_index=False,  # the (enterprise, year) unique index leads with it and serves every lookup
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = money_field(_("营业收入（万元）"))
    labor_compensation = money_field(_("劳动者报酬（万元）"))
    net_production_tax = money_field(_("生产税净额（万元）"))
    depreciation = money_field(_("固定资产折旧（万元）"))
    operating_surplus = money_field(_("营业盈余（万元）"))
    total_output = money_field(_("总产出（万元）"))
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    exports = money_field(_("出口额（万元）"))
    is_above_scale = models.BooleanField(_("规模以上"), default=False)
    is_listed = models.BooleanField(_("上市企业"), default=False)
    is_leading = models.BooleanField(_("文化领军企业"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1978, year__lte=2100), name="enterprise_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(revenue__isnull=True) | models.Q(revenue__gte=0),
                name="enterprise_year_revenue_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["year", "is_above_scale"], name="ey_year_above_scale")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Talent(models.Model):
    """A recognised cultural talent. ID number and phone are personal data: encrypted, masked on screen."""

    class Category(models.TextChoices):
        CELEBRITY = "celebrity", _("文化名人")
        LEADING = "leading", _("文化领军人才")
        TOP_PROFESSIONAL = "top_professional", _("顶尖专业人才")
        OTHER = "other", _("其他人才")

    name = models.CharField(_("姓名"), max_length=50)
    category = models.CharField(_("人才类别"), max_length=20, choices=Category.choices)
    field = models.CharField(_("专业领域"), max_length=50, blank=True)
    id_number = EncryptedTextField(_("身份证件号码"), blank=True)
    id_number_hash = models.CharField(
        _("证件号码索引"), max_length=64, blank=True, db_index=True, editable=False
    )
    phone = EncryptedTextField(_("联系电话"), blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="talents",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talents",
    )
    recognized_year = models.PositiveSmallIntegerField(_("认定年份"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    # Personal data stays out of history: the history view would otherwise show it unmasked.
    history = HistoricalRecords(excluded_fields=["id_number", "id_number_hash", "phone"])

    class Meta:
        verbose_name = _("文化人才")
        verbose_name_plural = _("文化人才")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExportItem(models.Model):
    """国家文化出口基地 / 国家文化出口重点企业 / 重点项目."""

    class Kind(models.TextChoices):
        BASE = "base", _("国家文化出口基地")
        KEY_ENTERPRISE = "key_enterprise", _("国家文化出口重点企业")
        KEY_PROJECT = "key_project", _("国家文化出口重点项目")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="export_items",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="export_items",
    )
    recognized_year = models.PositiveSmallIntegerField(_("认定年份"))
    revoked_year = models.PositiveSmallIntegerField(_("撤销年份"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("文化出口基地与重点企业、项目")
        verbose_name_plural = _("文化出口基地与重点企业、项目")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="export_item_kind_name_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"
