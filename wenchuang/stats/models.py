"""The statistics engine's tables: the rollup (fact cells and the value-added rates they used), the
"as of" of every refreshed year, official figures with their source, stored indicator values with all
progress components, and validation rules kept as data with their violations.

Money is in 万元 as in the registry. Everything here except `OfficialFigure` and `ValidationRule` is
derived data: `services.rollup_refresh` and friends rewrite it, idempotently, from the micro data.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords


class _Digits(TypedDict):
    """Precision keywords for a DecimalField, spread as **SUM / **RATE / **VALUE."""

    max_digits: int
    decimal_places: int


SUM: _Digits = {"max_digits": 24, "decimal_places": 2}
RATE: _Digits = {"max_digits": 24, "decimal_places": 12}
VALUE: _Digits = {"max_digits": 24, "decimal_places": 6}

# Sentinels instead of NULL in the cell key, so that the unique constraint holds on every backend.
NO_PLATFORM = 0
UNCLASSIFIED = 0


class FactCell(models.Model):
    """One cell of the rollup: year × district × platform × culture 小类 × above-scale.

    `is_digital` (one of the 16 new-business-form 小类) and `is_core` (domains 01–06) follow from the
    小类 and are stored for filtering. Value added is kept in parts so that coverage can be reported:
    `va_direct` from rows with all four income-approach components, `va_estimated` = `revenue_missing`
    × the rate of the cell's 小类-year (see `ValueAddedRate`).
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("区县"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # No index of its own: the grain's unique index (year, district, …) serves the lookups, and
        # every index is paid for on each refresh's insert.
        db_index=False,
        related_name="+",
    )
    platform_key = models.PositiveIntegerField(_("园区（平台）编号"), default=NO_PLATFORM)
    category_key = models.PositiveIntegerField(_("文化产业小类编号"), default=UNCLASSIFIED)
    category_code = models.CharField(_("文化产业小类代码"), max_length=4, blank=True)
    is_above_scale = models.BooleanField(_("规模以上"))
    is_digital = models.BooleanField(_("数字文化（新业态16小类）"))
    is_core = models.BooleanField(_("文化核心领域"))

    n_rows = models.PositiveIntegerField(_("企业年度记录数"))
    n_direct = models.PositiveIntegerField(_("增加值直接计算记录数"))
    n_estimated = models.PositiveIntegerField(_("增加值比率推算记录数"))
    n_unknown = models.PositiveIntegerField(_("增加值无法计算记录数"))
    n_rate_basis = models.PositiveIntegerField(_("增加值率样本记录数"))
    n_output_reported = models.PositiveIntegerField(_("总产出直报记录数"))
    n_revenue = models.PositiveIntegerField(_("有营业收入记录数"))
    n_employees = models.PositiveIntegerField(_("有从业人员记录数"))
    n_listed = models.PositiveIntegerField(_("上市企业数"))
    n_leading = models.PositiveIntegerField(_("文化领军企业数"))
    n_listed_or_leading = models.PositiveIntegerField(_("上市或领军企业数"))

    revenue = models.DecimalField(_("营业收入（万元）"), **SUM)
    employees = models.BigIntegerField(_("从业人员（人）"))
    exports = models.DecimalField(_("出口额（万元）"), **SUM)
    total_output = models.DecimalField(_("总产出（万元，缺报以营业收入替代）"), **SUM)
    va_direct = models.DecimalField(_("收入法增加值（万元）"), **SUM)
    rate_va = models.DecimalField(_("增加值率样本增加值（万元）"), **SUM)
    rate_revenue = models.DecimalField(_("增加值率样本营业收入（万元）"), **SUM)
    revenue_missing = models.DecimalField(_("缺构成项记录营业收入（万元）"), **SUM)
    va_estimated = models.DecimalField(_("比率推算增加值（万元）"), **SUM)
    va_rate = models.DecimalField(_("采用的增加值率"), null=True, blank=True, **RATE)
    refreshed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("汇总事实单元")
        verbose_name_plural = _("汇总事实表")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "district", "platform_key", "category_key", "is_above_scale"],
                name="stats_factcell_grain_unique",
            )
        ]
        # No further indexes: reads filter by year first, which the unique index's leading column
        # serves (a year holds at most tens of thousands of cells); a refresh pays for each index.

    def __str__(self) -> str:
        return f"{self.year} {self.district_id} {self.category_code or '未分类'}"


class ValueAddedRate(models.Model):
    """The value-added rate used to estimate a 小类-year's rows that lack components, and where it
    came from (the 小类 itself, or its 中类, 大类, or all enterprises of the year)."""

    class Level(models.TextChoices):
        MINOR = "minor", _("同小类")
        MIDDLE = "middle", _("同中类")
        MAJOR = "major", _("同大类")
        ALL = "all", _("全部企业")
        NONE = "none", _("无样本")

    year = models.PositiveSmallIntegerField(_("年度"))
    category_key = models.PositiveIntegerField(_("文化产业小类编号"))
    category_code = models.CharField(_("文化产业小类代码"), max_length=4, blank=True)
    level = models.CharField(_("采用层级"), max_length=8, choices=Level.choices)
    basis_code = models.CharField(_("样本分类代码"), max_length=4, blank=True)
    basis_rows = models.PositiveIntegerField(_("样本记录数"))
    basis_va = models.DecimalField(_("样本增加值（万元）"), **SUM)
    basis_revenue = models.DecimalField(_("样本营业收入（万元）"), **SUM)
    rate = models.DecimalField(_("增加值率"), null=True, blank=True, **RATE)
    refreshed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("增加值率")
        verbose_name_plural = _("增加值率（比率推算用）")
        ordering = ["year", "category_code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "category_key"], name="stats_varate_year_category_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category_code or '未分类'} {self.rate}"


class RollupYear(models.Model):
    """The "as of" of one year of the rollup."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    refreshed_at = models.DateTimeField(_("汇总时间"))
    source_rows = models.PositiveIntegerField(_("微观记录数"))
    cells = models.PositiveIntegerField(_("汇总单元数"))

    class Meta:
        verbose_name = _("汇总年度")
        verbose_name_plural = _("汇总年度（数据截至时间）")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class OfficialFigure(models.Model):
    """A published figure entered with its source document: a plan indicator's official value (e.g.
    统计公报's 文化产业增加值) or a series the micro data cannot give (GDP). Official is the headline."""

    class AreaKind(models.TextChoices):
        CITY = "city", _("全市")
        DISTRICT = "district", _("区县")
        SPATIAL_UNIT = "spatial_unit", _("空间布局单元")

    class Reliability(models.TextChoices):
        VERIFIED = "verified", _("正式数")
        PROVISIONAL = "provisional", _("初步数")
        ESTIMATE = "estimate", _("估算数")

    plan_code = models.CharField(
        _("规划代码"), max_length=64, blank=True, help_text=_("通用序列（如GDP）留空")
    )
    code = models.SlugField(_("指标或序列代码"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    area_kind = models.CharField(
        _("范围类型"), max_length=12, choices=AreaKind.choices, default=AreaKind.CITY
    )
    area_code = models.CharField(_("范围代码"), max_length=64, blank=True, help_text=_("全市留空"))
    value = models.DecimalField(_("数值"), **VALUE)
    unit = models.CharField(_("单位"), max_length=20)
    reliability = models.CharField(
        _("数据可靠性"), max_length=12, choices=Reliability.choices, default=Reliability.VERIFIED
    )
    source_document = models.CharField(_("来源文件"), max_length=300)
    source_url = models.URLField(_("来源链接"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("官方数据")
        verbose_name_plural = _("官方数据（附来源）")
        ordering = ["plan_code", "code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_code", "code", "year", "area_kind", "area_code"], name="stats_official_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(area_kind="city", area_code="") | ~models.Q(area_kind="city"),
                name="stats_official_city_has_no_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year} = {self.value}{self.unit}"


class IndicatorValueFields(models.Model):
    """The fields of one indicator × scope × year value with its progress: shared by the working
    series (`IndicatorValue`) and the frozen copies a publication keeps (`PublishedValue`), so that the
    read model maps either the same way."""

    class Source(models.TextChoices):
        OFFICIAL = "official", _("官方数据")
        COMPUTED = "computed", _("微观数据计算")
        ESTIMATE = "estimate", _("估算数")
        NONE = "none", _("暂无数据")

    plan_code = models.CharField(_("规划代码"), max_length=64)
    indicator_code = models.CharField(_("指标代码"), max_length=64)
    spatial_unit_code = models.CharField(_("空间单元代码"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("指标名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=20)

    computed_value = models.DecimalField(_("计算值"), null=True, blank=True, **VALUE)
    computed_as_of = models.DateTimeField(_("计算值数据截至"), null=True, blank=True)
    coverage = models.FloatField(_("直接计算覆盖率"), null=True, blank=True)
    components = models.JSONField(_("计算构成"), default=dict, blank=True)
    official_value = models.DecimalField(_("官方值"), null=True, blank=True, **VALUE)
    official_source = models.CharField(_("官方数据来源"), max_length=300, blank=True)
    official_entered_at = models.DateTimeField(_("官方数据录入时间"), null=True, blank=True)
    headline_value = models.DecimalField(_("采用值"), null=True, blank=True, **VALUE)
    headline_source = models.CharField(_("采用值来源"), max_length=10, choices=Source.choices)
    headline_reliability = models.CharField(_("采用值可靠性"), max_length=12, blank=True)
    headline_document = models.CharField(_("采用值来源文件"), max_length=300, blank=True)
    headline_as_of = models.DateTimeField(_("采用值数据截至"), null=True, blank=True)
    base_source = models.CharField(_("基期值来源"), max_length=10, blank=True)
    basis_note = models.TextField(_("口径说明"), blank=True)

    base_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    base_value = models.DecimalField(_("基期值"), null=True, blank=True, **VALUE)
    target_year = models.PositiveSmallIntegerField(_("目标年"), null=True, blank=True)
    target_op = models.CharField(_("目标关系"), max_length=2, blank=True)
    target_value = models.DecimalField(_("目标值"), null=True, blank=True, **VALUE)

    status = models.CharField(_("进度状态"), max_length=24, blank=True)
    status_label = models.CharField(_("进度状态（中文）"), max_length=20, blank=True)
    target_met = models.BooleanField(_("已达目标"), default=False)
    method = models.CharField(_("计算方法"), max_length=8, blank=True)
    observed_rate = models.FloatField(_("实际年均增速（增量）"), null=True, blank=True)
    required_rate = models.FloatField(_("所需年均增速（增量）"), null=True, blank=True)
    ratio = models.FloatField(_("进度比R"), null=True, blank=True)
    score = models.FloatField(_("进度得分"), null=True, blank=True)
    completion = models.FloatField(_("增量完成度"), null=True, blank=True)
    target_ratio = models.FloatField(_("目标完成率"), null=True, blank=True)
    mixed_sources = models.BooleanField(_("增速跨口径"), default=False)
    time_share = models.FloatField(_("时间进度"), null=True, blank=True)
    on_schedule = models.BooleanField(_("达到时序进度"), null=True, blank=True)
    rate_still_required = models.FloatField(_("剩余年份所需年均增速（增量）"), null=True, blank=True)
    projected_value = models.FloatField(_("趋势外推目标年值"), null=True, blank=True)
    explanation = models.TextField(_("状态说明"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        abstract = True


class IndicatorValue(IndicatorValueFields):
    """An indicator's value for a year with every component of its progress, as computed by
    `services.indicator_values_recompute`. `headline_*` is the chosen value — the one series every
    screen, report and endpoint reads (precedence in docs/statistics.md: an entered official figure
    over the computed value); progress is assessed on it. These are the *working* figures: the public
    sees only a publication's copy of them (`Publication`)."""

    class Meta:
        verbose_name = _("指标值与进度")
        verbose_name_plural = _("指标值与进度")
        ordering = ["plan_code", "spatial_unit_code", "indicator_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_code", "indicator_code", "spatial_unit_code", "year"],
                name="stats_indicator_value_unique",
            )
        ]
        indexes = [
            models.Index(fields=["plan_code", "year", "spatial_unit_code"], name="stats_iv_plan_year_unit")
        ]

    def __str__(self) -> str:
        return f"{self.plan_code}/{self.indicator_code} {self.year}"


class IndicatorSnapshot(models.Model):
    """The serialised JSON of one plan-year-scope's stored indicator values, exactly what the indicator
    endpoint returns: written by `services.indicator_values_recompute` beside the `IndicatorValue`
    rows it is made of, so that a read is one indexed lookup and no serialisation. A recompute (after a
    refresh or a new official figure) rewrites it; `computed_at` is its "as of"."""

    plan_code = models.CharField(_("规划代码"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    spatial_unit_code = models.CharField(_("空间单元代码"), max_length=64, blank=True)
    payload = models.TextField(_("指标值JSON"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标值快照")
        verbose_name_plural = _("指标值快照（接口直读）")
        ordering = ["plan_code", "year", "spatial_unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_code", "year", "spatial_unit_code"], name="stats_indicator_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_code} {self.year} {self.spatial_unit_code or '全市'}"


class ValidationRule(models.Model):
    """A DHIS2-style validation rule kept as data: left expression, operator, right expression.

    Expressions are arithmetic over an enterprise-year's fields (revenue, total_output, value_added,
    employees, exports, the four components) and `prev.<field>` for the previous year; see `rules.py`.
    A rule whose operands are missing for a row is skipped for that row (DHIS2 SKIP_IF_ANY_VALUE_MISSING),
    except the presence operators, which are about missing values.
    """

    class Operator(models.TextChoices):
        LT = "<", _("小于")
        LTE = "<=", _("小于等于")
        GT = ">", _("大于")
        GTE = ">=", _("大于等于")
        EQ = "==", _("等于")
        NE = "!=", _("不等于")
        REQUIRES = "requires", _("左侧有值时右侧须有值")
        COMPULSORY_PAIR = "compulsory_pair", _("须同时有值或同时无值")
        EXCLUSIVE_PAIR = "exclusive_pair", _("不能同时有值")

    class Importance(models.TextChoices):
        HIGH = "high", _("高")
        MEDIUM = "medium", _("中")
        LOW = "low", _("低")

    code = models.SlugField(_("规则代码"), max_length=64, unique=True)
    name = models.CharField(_("规则名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    left = models.CharField(_("左侧表达式"), max_length=300)
    operator = models.CharField(_("运算符"), max_length=16, choices=Operator.choices)
    right = models.CharField(_("右侧表达式"), max_length=300)
    importance = models.CharField(
        _("重要程度"), max_length=8, choices=Importance.choices, default=Importance.MEDIUM
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}：{self.left} {self.operator} {self.right}"


class ValidationViolation(models.Model):
    """One enterprise-year that breaks one rule; rewritten for the years a run covers."""

    rule = models.ForeignKey(
        ValidationRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="violations"
    )
    enterprise_year = models.ForeignKey(
        "registry.EnterpriseYear", verbose_name=_("企业年度数据"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("区县"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    left_value = models.DecimalField(_("左侧值"), null=True, blank=True, **VALUE)
    right_value = models.DecimalField(_("右侧值"), null=True, blank=True, **VALUE)
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("校验问题")
        verbose_name_plural = _("校验问题")
        ordering = ["year", "rule_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "enterprise_year"], name="stats_violation_unique"),
        ]
        indexes = [models.Index(fields=["year", "district"], name="stats_violation_year_district")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.enterprise_id} {self.year}"


class Publication(models.Model):
    """Version N of a plan's figures as the public sees them: a frozen copy of every stored indicator
    value (all years, the city and every spatial unit), the indicator endpoint's JSON and the public,
    suppressed breakdowns, published by the city office with a reason (a revision needs one).

    States (django-fsm-2, logged by django_fsm_log): 已发布 is the version the public reads — at most
    one per plan; publishing the next version moves it to 已被替代; withdrawing it (with a reason) makes
    the latest replaced version 已发布 again. A version's figures never change."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("已发布（现行）")
        SUPERSEDED = "superseded", _("已被替代")
        WITHDRAWN = "withdrawn", _("已撤回")

    plan_code = models.CharField(_("规划代码"), max_length=64)
    number = models.PositiveIntegerField(_("版本号"))
    state = FSMField(_("状态"), default=State.PUBLISHED, choices=State.choices, protected=True)
    reason = models.TextField(_("发布或修订原因"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"))
    years = models.JSONField(_("所含年度"), default=list, blank=True)
    value_count = models.PositiveIntegerField(_("指标值数"), default=0)
    changes = models.JSONField(_("相对上一版的变动"), default=list, blank=True)
    rollup_stamps = models.JSONField(_("发布时各年度汇总时间"), default=dict, blank=True)
    breakdown_years = models.JSONField(_("已固化分组汇总的年度"), default=list, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据发布版本")
        verbose_name_plural = _("数据发布版本")
        ordering = ["plan_code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan_code", "number"], name="stats_publication_number_unique"),
            models.UniqueConstraint(
                fields=["plan_code"],
                condition=models.Q(state="published"),
                name="stats_publication_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_code} 第{self.number}版（{self.get_state_display()}）"

    @property
    def label(self) -> str:
        return f"第{self.number}版"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.SUPERSEDED)
    def supersede(self, by: object = None, description: str | None = None) -> None:
        """已发布 → 已被替代: a newer version was published."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.WITHDRAWN)
    def withdraw(self, by: object = None, description: str | None = None) -> None:
        """已发布 → 已撤回: the city office takes the version back (with a reason)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUPERSEDED, target=State.PUBLISHED)
    def reinstate(self, by: object = None, description: str | None = None) -> None:
        """已被替代 → 已发布: the version after it was withdrawn, so this one is current again."""


class PublishedValue(IndicatorValueFields):
    """A publication's copy of one `IndicatorValue` (same fields): what the public and reports for that
    version read."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("发布版本"), on_delete=models.CASCADE, related_name="values"
    )

    class Meta:
        verbose_name = _("已发布指标值")
        verbose_name_plural = _("已发布指标值")
        ordering = ["publication", "spatial_unit_code", "indicator_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "indicator_code", "spatial_unit_code", "year"],
                name="stats_published_value_unique",
            )
        ]
        indexes = [
            models.Index(fields=["publication", "year", "spatial_unit_code"], name="stats_pv_pub_year_unit")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.indicator_code} {self.year}"


class PublishedPayload(models.Model):
    """A publication's JSON bodies served as stored: the indicator endpoint of a year and scope
    (`kind` indicators, `key` the spatial unit code or "") and the public, suppressed breakdowns
    (`kind` breakdown, `key` the query; `kind` district, `key` the district code)."""

    class Kind(models.TextChoices):
        INDICATORS = "indicators", _("指标值")
        BREAKDOWN = "breakdown", _("分组汇总")
        DISTRICT = "district", _("区县汇总")

    publication = models.ForeignKey(
        Publication, verbose_name=_("发布版本"), on_delete=models.CASCADE, related_name="payloads"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("键"), max_length=200, blank=True)
    payload = models.TextField(_("JSON"))

    class Meta:
        verbose_name = _("已发布数据（JSON）")
        verbose_name_plural = _("已发布数据（JSON）")
        ordering = ["publication", "kind", "year", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "kind", "year", "key"], name="stats_published_payload_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.kind} {self.year} {self.key}"
