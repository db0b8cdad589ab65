"""The facts registry: named, typed attributes of an enterprise, each a Django expression over
`registry.Enterprise`, so the whole registry is read in one query and a rule compiles to one WHERE.

A fact's value is None when the data is missing (缺数据), never a made-up zero.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr

from wenchuang.core.errors import DomainError


class FactType(enum.StrEnum):
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"  # a code out of a list (choices), compared with == != in
    DATE = "date"


TYPE_LABELS = {
    FactType.NUMBER: "数值",
    FactType.BOOLEAN: "是/否",
    FactType.TEXT: "代码",
    FactType.DATE: "日期",
}


@dataclass(frozen=True)
class FactContext:
    """When the facts are read: `as_of` is the decision date; annual facts are of `year` (上年)."""

    as_of: date
    year: int | None = None

    @property
    def data_year(self) -> int:
        return self.year if self.year is not None else self.as_of.year - 1


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    type: FactType
    source: str
    doc: str
    expression: Callable[[FactContext], Any]
    relations: Callable[[FactContext], dict[str, FilteredRelation]] = field(default=lambda ctx: {})
    unit: str = ""
    as_of_label: Callable[[FactContext], str] = field(default=lambda ctx: "登记信息（当前）")
    # For TEXT facts: the allowed codes and their labels (a callable: may read the database).
    choices: Callable[[], list[tuple[str, str]]] | None = None

    @property
    def annotation(self) -> str:
        return f"rf_{self.key}"

    def format(self, value: Any) -> str:
        return format_value(value, self.type, self.unit)


def format_value(value: Any, type_: FactType | None, unit: str = "") -> str:
    if value is None:
        return "暂无数据"
    if type_ is FactType.BOOLEAN or isinstance(value, bool):
        return "是" if value else "否"
    if type_ is FactType.NUMBER or isinstance(value, int | float | Decimal):
        d = Decimal(str(value))
        text = f"{d:,.2f}".rstrip("0").rstrip(".") if d != d.to_integral_value() else f"{int(d):,}"
        return f"{text}{unit}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class UnknownFactError(DomainError):
    code = "unknown_fact"


_REGISTRY: dict[str, Fact] = {}


def register_fact(fact: Fact) -> Fact:
    """Declare a fact (at import time of the declaring module). Re-registering a key replaces it."""
    _REGISTRY[fact.key] = fact
    return fact


def get_fact(key: str) -> Fact:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownFactError(f"未知的事实“{key}”") from None


def has_fact(key: str) -> bool:
    return key in _REGISTRY


def all_facts() -> list[Fact]:
    return list(_REGISTRY.values())


def annotate_facts(qs: QuerySet[Any], keys: Iterable[str], ctx: FactContext) -> QuerySet[Any]:
    """`qs` (Enterprise rows) with the joins and one annotation `rf_<key>` per fact."""
    facts = [get_fact(k) for k in dict.fromkeys(keys)]
    relations: dict[str, FilteredRelation] = {}
    for fact in facts:
        relations.update(fact.relations(ctx))
    if relations:
        qs = qs.annotate(**relations)
    return qs.annotate(**{fact.annotation: fact.expression(ctx) for fact in facts})


def load_facts(qs: QuerySet[Any], keys: Iterable[str] | None, ctx: FactContext) -> dict[int, dict[str, Any]]:
    """{enterprise id: {fact key: value or None}} for the rows of `qs`, in one query."""
    facts = [get_fact(k) for k in (keys if keys is not None else list(_REGISTRY))]
    names = [f.annotation for f in facts]
    rows = annotate_facts(qs, [f.key for f in facts], ctx).values_list("pk", *names)
    return {row[0]: {f.key: _normalise(f, v) for f, v in zip(facts, row[1:], strict=True)} for row in rows}


def _normalise(fact: Fact, value: Any) -> Any:
    if value is None:
        return None
    if fact.type is FactType.NUMBER:
        return Decimal(str(value))
    if fact.type is FactType.BOOLEAN:
        return bool(value)
    if fact.type is FactType.DATE and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


# --- the built-in enterprise facts -------------------------------------------------------------------

_LAST_YEAR = "rf_ly"
_LAST_TAX = "rf_lt"


def _last_year(ctx: FactContext) -> dict[str, FilteredRelation]:
    return {_LAST_YEAR: FilteredRelation("years", condition=Q(years__year=ctx.data_year))}


def _last_tax(ctx: FactContext) -> dict[str, FilteredRelation]:
    return {_LAST_TAX: FilteredRelation("tax_years", condition=Q(tax_years__year=ctx.data_year))}


def _annual(ctx: FactContext) -> str:
    return f"{ctx.data_year}年度"


def _district_choices() -> list[tuple[str, str]]:
    from wenchuang.registry.models import District

    return list(District.objects.order_by("code").values_list("code", "name"))


def _major_choices() -> list[tuple[str, str]]:
    from wenchuang.classify.models import CultureCategory

    return list(CultureCategory.objects.filter(level=1).order_by("code").values_list("code", "name"))


def _minor_choices() -> list[tuple[str, str]]:
    from wenchuang.classify.models import CultureCategory

    return list(CultureCategory.objects.filter(level=3).order_by("code").values_list("code", "name"))


def _park_level_choices() -> list[tuple[str, str]]:
    from wenchuang.registry.models import Platform

    return [(str(v), str(label)) for v, label in Platform.Level.choices]


def _key_exporter(ctx: FactContext) -> Any:
    from wenchuang.registry.models import ExportItem

    y = ctx.data_year
    items = ExportItem.objects.filter(
        enterprise=OuterRef("pk"), kind=ExportItem.Kind.KEY_ENTERPRISE, recognized_year__lte=y
    ).filter(Q(revoked_year__isnull=True) | Q(revoked_year__gt=y))
    return Exists(items)


_ANNUAL_SOURCE = "企业年度数据（统计联网直报、年报导入）"

BUILTIN_FACTS = [
    Fact(
        key="district",
        label="注册区县",
        type=FactType.TEXT,
        source="市场主体登记",
        doc="企业登记所在的县级行政区划代码（GB/T 2260）。",
        expression=lambda ctx: F("district__code"),
        choices=_district_choices,
    ),
    Fact(
        key="culture_major",
        label="文化产业大类",
        type=FactType.TEXT,
        source="文化产业分类（国家统计局2018）",
        doc="企业所属文化产业小类的前两位：大类代码。未归类为缺数据。",
        expression=lambda ctx: NullIf(Substr("culture_category__code", 1, 2), Value("")),
        choices=_major_choices,
    ),
    Fact(
        key="culture_minor",
        label="文化产业小类",
        type=FactType.TEXT,
        source="文化产业分类（国家统计局2018）",
        doc="企业所属的文化产业小类代码（四位）。",
        expression=lambda ctx: F("culture_category__code"),
        choices=_minor_choices,
    ),
    Fact(
        key="digital_culture",
        label="数字文化（新业态）",
        type=FactType.BOOLEAN,
        source="文化产业分类（新业态特征明显的16个小类）",
        doc="所属小类是否为新业态特征明显的16个小类之一。未归类为缺数据。",
        expression=lambda ctx: F("culture_category__is_new_form"),
    ),
    Fact(
        key="founded_on",
        label="成立日期",
        type=FactType.DATE,
        source="市场主体登记",
        doc="营业执照成立日期；成立年限用“早于N年前”表达（日期运算）。",
        expression=lambda ctx: F("founded_on"),
    ),
    Fact(
        key="park_level",
        label="所在园区级别",
        type=FactType.TEXT,
        source="园区与平台库",
        doc="企业所在文化产业园区（平台）的认定级别；不在园区记为“未认定”。",
        expression=lambda ctx: Coalesce(F("platform__level"), Value("none")),
        choices=_park_level_choices,
    ),
    Fact(
        key="revenue",
        label="上年营业收入",
        type=FactType.NUMBER,
        unit="万元",
        source=_ANNUAL_SOURCE,
        doc="上一年度营业收入。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__revenue"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="exports",
        label="上年出口额",
        type=FactType.NUMBER,
        unit="万元",
        source=_ANNUAL_SOURCE,
        doc="上一年度文化产品和服务出口额。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__exports"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="employees",
        label="从业人员",
        type=FactType.NUMBER,
        unit="人",
        source=_ANNUAL_SOURCE,
        doc="上一年度从业人员期末人数。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__employees"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="above_scale",
        label="规模以上",
        type=FactType.BOOLEAN,
        source=_ANNUAL_SOURCE,
        doc="上一年度是否为规模以上文化企业；无上年数据为缺数据。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__is_above_scale"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="listed",
        label="上市企业",
        type=FactType.BOOLEAN,
        source=_ANNUAL_SOURCE,
        doc="上一年度是否为上市企业。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__is_listed"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="leading",
        label="文化领军企业",
        type=FactType.BOOLEAN,
        source=_ANNUAL_SOURCE,
        doc="上一年度是否认定为文化领军企业。",
        expression=lambda ctx: F(f"{_LAST_YEAR}__is_leading"),
        relations=_last_year,
        as_of_label=_annual,
    ),
    Fact(
        key="tax_credit",
        label="纳税信用等级",
        type=FactType.TEXT,
        source="税务数据导入",
        doc="上一年度纳税信用等级（A/B/M/C/D）；未导入为缺数据。",
        expression=lambda ctx: NullIf(F(f"{_LAST_TAX}__credit_grade"), Value("")),
        relations=_last_tax,
        as_of_label=_annual,
        choices=lambda: [(g, f"{g}级") for g in ("A", "B", "M", "C", "D")],
    ),
    Fact(
        key="key_exporter",
        label="国家文化出口重点企业",
        type=FactType.BOOLEAN,
        source="文化出口基地与重点企业名录",
        doc="上一年度末是否为有效的国家文化出口重点企业。",
        expression=_key_exporter,
        as_of_label=_annual,
    ),
]

for _fact in BUILTIN_FACTS:
    register_fact(_fact)
