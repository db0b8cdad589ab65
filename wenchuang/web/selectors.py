"""Reads for the web pages, built on the statistics, plan and registry selectors.

The cockpit and indicator pages read only stored results: `IndicatorValue` rows (written by the stats
recompute) and the rollup cells through `stats.selectors.breakdown`. Nothing here recomputes a figure.
Every registry object comes through the registry's role-scoped selectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Field, OuterRef, Q, QuerySet

from wenchuang.classify.models import ClassificationDecision, CultureCategory
from wenchuang.core.scope import user_scope
from wenchuang.plan.models import Indicator, Plan, SpatialUnit
from wenchuang.plan.selectors import plan_default, plan_get, plan_list
from wenchuang.registry.models import District, Enterprise, EnterpriseYear
from wenchuang.registry.selectors import (
    enterprise_list_for_user,
    platform_list_for_user,
    talent_list_for_user,
)
from wenchuang.stats import readmodel
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.models import IndicatorValue, Publication, PublishedValue, RollupYear
from wenchuang.stats.readmodel import IndicatorRow

STAFF_ROLES = ("city_admin", "district_admin", "data_manager")
# Who may read an enterprise's change history (before/after of every field): the city-wide roles.
HISTORY_ROLES = ("city_admin", "data_manager")
WAN_PER_YI = Decimal(10000)


def is_staff_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) in STAFF_ROLES)


def history_allowed(*, user: Any) -> bool:
    return getattr(user, "role", None) in HISTORY_ROLES


def districts_scope(*, user: Any) -> list[int] | None:
    """District ids the user's statistics are restricted to; None = the whole city."""
    ids = user_scope(user).district_ids
    return None if ids is None else sorted(ids)


# --- plan and year --------------------------------------------------------------------------------


def plan_for_request(*, code: str | None) -> Plan | None:
    return (plan_get(code=code) if code else None) or plan_default()


def plan_choices() -> list[Plan]:
    return list(plan_list())


def publication_current(*, plan: Plan) -> Publication | None:
    """The version the public sees (None: nothing published yet)."""
    return stats_selectors.publication_current(plan_code=plan.code)


def publication_list(*, plan: Plan) -> list[Publication]:
    return list(stats_selectors.publication_list(plan_code=plan.code))


def publication_by_number(*, plan: Plan, number: int) -> Publication | None:
    """Any version of the plan by number, withdrawn ones included (the publishing page lists them)."""
    return (
        Publication.objects.filter(plan_code=plan.code, number=number).select_related("published_by").first()
    )


def publication_pending_changes(*, plan: Plan) -> list[Any]:
    """What publishing now would change for the public (stats.publication.Change rows)."""
    return stats_selectors.publication_pending_changes(plan_code=plan.code)


def publication_log(*, version: Publication) -> list[Any]:
    """The version's logged transitions, oldest first, with the states' Chinese names."""
    from django_fsm_log.models import StateLog

    names = dict(Publication.State.choices)
    log = list(StateLog.objects.for_(version).select_related("by").order_by("timestamp", "pk"))  # type: ignore[attr-defined]
    for entry in log:
        entry.source_label = names.get(entry.source_state, entry.source_state)
        entry.state_label = names.get(entry.state, entry.state)
    return log


def indicator_years(*, plan: Plan, version: Publication | None = None) -> list[int]:
    """Years with stored indicator values for the plan (city level): the working series, or a
    published version's."""
    qs: Any = (
        PublishedValue.objects.filter(publication=version)
        if version is not None
        else IndicatorValue.objects.filter(plan_code=plan.code)
    )
    return sorted(set(qs.filter(spatial_unit_code="").order_by().values_list("year", flat=True).distinct()))


def year_pick(*, years: list[int], asked: str | None) -> int | None:
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked)
    return years[-1] if years else None


# --- cockpit --------------------------------------------------------------------------------------


def cockpit_defs(*, plan: Plan) -> tuple[list[Indicator], list[SpatialUnit]]:
    """The plan's indicators and the units the cockpit shows (belts, the western group)."""
    indicators = list(Indicator.objects.filter(plan=plan).order_by("category", "seq"))
    units = list(SpatialUnit.objects.filter(plan=plan, kind__in=["belt", "region_group"]).order_by("seq"))
    return indicators, units


@dataclass
class CockpitRows:
    main: list[tuple[Indicator, IndicatorRow | None]]
    gdp_indicator: Indicator | None
    gdp_share: IndicatorRow | None
    vision: list[tuple[Indicator, IndicatorRow | None]]
    western: IndicatorRow | None
    belts: list[tuple[SpatialUnit, IndicatorRow | None]]


def cockpit_rows(
    *,
    plan: Plan,
    year: int,
    version: Publication | None = None,
    defs: tuple[list[Indicator], list[SpatialUnit]] | None = None,
) -> CockpitRows:
    """The plan's indicators and units with the read model's rows of `year` (one series per indicator):
    the working figures, or those of a published version. `defs` (from `cockpit_defs`) saves re-reading
    the plan when both are shown."""
    indicators, units = defs if defs is not None else cockpit_defs(plan=plan)
    rows = readmodel.indicator_rows(
        plan=plan, year=year, spatial_unit_code=None, defs=indicators, version=version
    )
    city = {r.code: r for r in rows if not r.spatial_unit}
    unit_rows = {(r.spatial_unit, r.code): r for r in rows if r.spatial_unit}
    main = [(i, city.get(i.code)) for i in indicators if i.category == Indicator.Category.MAIN]
    vision = [(i, city.get(i.code)) for i in indicators if i.category == Indicator.Category.VISION]
    gdp_indicator = next((i for i in indicators if i.code == "gdp_share"), None)
    western_unit = next((u for u in units if u.kind == "region_group"), None)
    western = unit_rows.get((western_unit.code, "total_output_share")) if western_unit else None
    belts = [(u, unit_rows.get((u.code, "total_output"))) for u in units if u.kind == "belt"]
    return CockpitRows(
        main=main,
        gdp_indicator=gdp_indicator,
        gdp_share=city.get("gdp_share"),
        vision=vision,
        western=western,
        belts=belts,
    )


def district_totals(*, year: int, districts: Iterable[int] | None) -> list[dict[str, Any]]:
    """Per-district sums from the rollup (one GROUP BY), in 亿元 for money."""
    rows = stats_selectors.breakdown(year=year, by=["district__code", "district__name"], districts=districts)
    return [
        {
            "code": r["district__code"],
            "name": r["district__name"],
            "total_output": (Decimal(r["total_output"]) / WAN_PER_YI).quantize(Decimal("0.01")),
            "value_added": (r["value_added"] / WAN_PER_YI).quantize(Decimal("0.01")),
            "revenue": (Decimal(r["revenue"]) / WAN_PER_YI).quantize(Decimal("0.01")),
            "employees": int(r["employees"]),
            "enterprises": int(r["n_rows"]),
        }
        for r in rows
    ]


# --- indicator page -------------------------------------------------------------------------------


def indicator_get(*, plan: Plan, code: str) -> Indicator | None:
    return Indicator.objects.filter(plan=plan, code=code).first()


def indicator_series(
    *, plan: Plan, code: str, spatial_unit_code: str = "", version: Publication | None = None
) -> list[IndicatorRow]:
    return readmodel.indicator_series(
        plan_code=plan.code, code=code, spatial_unit_code=spatial_unit_code, version=version
    )


def value_added_coverage(*, plan: Plan) -> list[readmodel.CoverageYear]:
    return readmodel.value_added_coverage(plan_code=plan.code)


def unit_values(*, plan: Plan, code: str, year: int) -> list[tuple[SpatialUnit, IndicatorValue]]:
    """Belts, corridors and clusters with the stored value of measure `code` (two queries)."""
    units = {u.code: u for u in SpatialUnit.objects.filter(plan=plan)}
    rows = IndicatorValue.objects.filter(
        plan_code=plan.code, year=year, indicator_code=code, spatial_unit_code__in=list(units)
    ).order_by()
    pairs = [(units[v.spatial_unit_code], v) for v in rows]
    kinds = list(SpatialUnit.Kind.values)
    return sorted(pairs, key=lambda p: (kinds.index(p[0].kind), p[0].seq))


def _measure_operand(spec: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    if spec.get("official") or spec.get("measure") not in ("value_added", *stats_selectors.MEASURE_COLUMNS):
        return None
    return spec["measure"], dict(spec.get("filter", {}))


def indicator_breakdown(
    *, indicator: Indicator, year: int, by: str, districts: Iterable[int] | None
) -> list[dict[str, Any]] | None:
    """The indicator's value by district ("district") or by 大类 ("major"), from the rollup cells.
    None when the formula cannot be split (counts of registry objects, official-only operands)."""
    formula = indicator.formula or {}
    dims = ["district__code", "district__name"] if by == "district" else ["category_code"]
    kind = formula.get("kind")
    if by == "major" and kind == "ratio":
        return None  # a ratio's 大类 split would need numerator and denominator summed per 大类 first
    try:
        if kind == "aggregate":
            scale = Decimal(str(formula.get("scale", 1)))
            rows = stats_selectors.breakdown(
                year=year, by=dims, districts=districts, filters=formula.get("filter", {})
            )
            values = {_key(r, by): _measure(r, formula["measure"]) * scale for r in rows}
        elif kind == "ratio":
            num = _measure_operand(formula["numerator"])
            den = _measure_operand(formula["denominator"])
            if num is None or den is None:
                return None
            scale = Decimal(str(formula.get("scale", 1)))
            nums: dict[str, Decimal] = {}
            for r in stats_selectors.breakdown(year=year, by=dims, districts=districts, filters=num[1]):
                nums[_key(r, by)] = nums.get(_key(r, by), Decimal(0)) + _measure(r, num[0])
            dens: dict[str, Decimal] = {}
            for r in stats_selectors.breakdown(year=year, by=dims, districts=districts, filters=den[1]):
                dens[_key(r, by)] = dens.get(_key(r, by), Decimal(0)) + _measure(r, den[0])
            values = {k: (nums.get(k, Decimal(0)) / d * scale) for k, d in dens.items() if d}
        else:
            return None
    except stats_selectors.UnsupportedQuery:
        return None
    if by == "major":
        values = _to_majors(values)
        names = dict(CultureCategory.objects.filter(level=1).values_list("code", "name"))
    else:
        names = dict(District.objects.values_list("code", "name"))
    return [
        {"code": k, "name": names.get(k, "未分类") if k else "未分类", "value": v.quantize(Decimal("0.01"))}
        for k, v in sorted(values.items())
    ]


def _key(row: dict[str, Any], by: str) -> str:
    return row["district__code"] if by == "district" else (row["category_code"] or "")


def _measure(row: dict[str, Any], measure: str) -> Decimal:
    return stats_selectors.measure_value(row, measure)


def _to_majors(values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Sum 小类 values into their 大类 (the stats engine's one 小类 → 大类 map)."""
    parent = stats_selectors.minor_to_major()
    out: dict[str, Decimal] = {}
    for code, v in values.items():
        major = parent.get(code, "")
        out[major] = out.get(major, Decimal(0)) + v
    return out


# --- enterprise library ---------------------------------------------------------------------------


def latest_rollup_year() -> int | None:
    return RollupYear.objects.order_by("-year").values_list("year", flat=True).first()


def enterprise_search(*, user: Any, filters: dict[str, Any], year: int | None) -> QuerySet[Enterprise]:
    """The scoped enterprise list narrowed by the library's filters (one query per page + count)."""
    qs = enterprise_list_for_user(user=user).select_related(
        "culture_category", "culture_category__parent", "platform", "classification"
    )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q.upper()) | Q(uscc__startswith=q.upper()))
    if filters.get("district"):
        qs = qs.filter(district__code=filters["district"])
    if filters.get("middle"):
        qs = qs.filter(culture_category__parent__code=filters["middle"])
    elif filters.get("major"):
        qs = qs.filter(culture_category__parent__parent__code=filters["major"])
    if filters.get("digital") in ("yes", "no"):
        qs = qs.filter(culture_category__is_new_form=filters["digital"] == "yes")
    if filters.get("platform"):
        qs = qs.filter(platform_id=filters["platform"])
    if year is not None:
        above = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year=year, is_above_scale=True)
        qs = qs.annotate(above_scale=Exists(above))
        if filters.get("above_scale") in ("yes", "no"):
            qs = qs.filter(above_scale=filters["above_scale"] == "yes")
    status = filters.get("status")
    if status == "unclassified":
        qs = qs.filter(classification__isnull=True)
    elif status == "needs_review":
        qs = qs.filter(classification__needs_review=True)
    elif status in ClassificationDecision.Method.values:
        qs = qs.filter(classification__method=status, classification__needs_review=False)
    return qs.order_by("name", "uscc")


def culture_majors() -> list[CultureCategory]:
    return list(CultureCategory.objects.filter(level=1).order_by("code"))


def culture_middles() -> list[CultureCategory]:
    return list(CultureCategory.objects.filter(level=2).select_related("parent").order_by("code"))


def enterprise_profile(*, enterprise: Enterprise, with_history: bool) -> dict[str, Any]:
    """Annual facts, classification with its reason, and (if allowed) the change history of an
    enterprise already fetched through the scoped selector."""
    years = list(EnterpriseYear.objects.filter(enterprise=enterprise).order_by("-year"))
    decision = (
        ClassificationDecision.objects.select_related("category", "category__parent__parent")
        .filter(enterprise=enterprise)
        .first()
    )
    history: list[dict[str, Any]] = []
    if with_history:
        records = list(
            enterprise.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
        )
        for i, newer in enumerate(records):
            older = records[i + 1] if i + 1 < len(records) else None
            changes = []
            if older is not None:
                delta = newer.diff_against(older)
                changes = [
                    {"field": _field_label(c.field), "old": c.old, "new": c.new} for c in delta.changes
                ]
            history.append(
                {
                    "date": newer.history_date,
                    "user": newer.history_user.get_username() if newer.history_user else "",
                    "type": newer.get_history_type_display(),
                    "changes": changes,
                }
            )
    return {"years": years, "decision": decision, "history": history}


def _field_label(name: str) -> str:
    try:
        field = Enterprise._meta.get_field(name)
        return str(field.verbose_name) if isinstance(field, Field) else name
    except Exception:
        return name


# --- platform and talent libraries ----------------------------------------------------------------


def platform_search(*, user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    qs = platform_list_for_user(user=user)
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"].strip())
    for key in ("kind", "level"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("district"):
        qs = qs.filter(district__code=filters["district"])
    return qs.order_by("district__code", "name")


def talent_search(*, user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    qs = talent_list_for_user(user=user).select_related("district", "enterprise")
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"].strip())
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("district"):
        qs = qs.filter(district__code=filters["district"])
    return qs.order_by("name", "pk")


def all_districts() -> list[District]:
    """The reference list of districts (public)."""
    return list(District.objects.order_by("code"))


def unit_rows(*, plan: Plan, year: int, version: Publication | None = None) -> list[IndicatorRow]:
    """Every spatial unit's rows of a year from the read model (working, or a published version)."""
    rows = readmodel.indicator_rows(
        plan=plan, year=year, spatial_unit_code=None, with_empty=False, version=version
    )
    return [r for r in rows if r.spatial_unit]


# --- plan execution beside the figures --------------------------------------------------------------


def completeness_rate(*, year: int, districts: Iterable[int] | None) -> Decimal | None:
    """覆盖率: the share (%) of expected enterprises in scope that filed the year's annual data."""
    from wenchuang.approval.selectors import completeness_rate as rate

    return rate(year=year, district_ids=districts)


@dataclass
class ProjectRates:
    year: int
    start: Any  # projects.rates.Rate
    completion: Any
    target_op: str
    target: Decimal | None


def project_rates(*, user: Any, plan: Plan, year: int) -> ProjectRates | None:
    """The year's key-project start and completion rates for the user's scope with the plan's
    commitment (None when the library holds no project in scope)."""
    from wenchuang.projects.selectors import rate_table, rate_target

    rows = rate_table(user=user, year=year, plan=plan)
    city = next((r for r in rows if r.key == "city"), None)
    if city is None:
        return None
    target = rate_target(plan=plan)
    return ProjectRates(
        year=year,
        start=city.start,
        completion=city.completion,
        target_op=target[0] if target else "",
        target=target[1] if target else None,
    )
