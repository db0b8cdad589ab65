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

from django.conf import settings
from django.db.models import Exists, Field, OuterRef, Q, QuerySet

from wenchuang.classify.models import ClassificationDecision, CultureCategory
from wenchuang.core.errors import ForbiddenError, NotFoundError
from wenchuang.core.scope import STATISTICS_ROLES, user_scope
from wenchuang.plan.models import Indicator, Plan, SpatialUnit
from wenchuang.plan.selectors import plan_default, plan_get, plan_list
from wenchuang.registry.models import District, Enterprise, EnterpriseYear
from wenchuang.registry.regions import Region, region_children, region_district_ids
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


def plan_districts(*, plan: Plan, user: Any) -> list[int] | None:
    """The districts a plan's breakdowns cover for this user: the user's scope for the city plan,
    the region's counties (within the scope) for a district's plan."""
    scope = districts_scope(user=user)
    if plan.region_code == settings.WENCHUANG_REGION_CODE:
        return scope
    ids = region_district_ids(plan.region_code)
    return ids if scope is None else sorted(set(ids) & set(scope))


# --- plan and year --------------------------------------------------------------------------------


def plan_visible(*, plan: Plan, user: Any) -> bool:
    """The deployment's city plan is published (its figures are city aggregates). Another region's
    plan — a district's — is for the statistics staff whose scope holds the whole region: the city
    office and the 统计员, and the district office of that district; never the public."""
    if plan.region_code == settings.WENCHUANG_REGION_CODE:
        return True
    scope = user_scope(user)
    if scope.role not in STATISTICS_ROLES:
        return False
    if scope.city_wide:
        return True
    ids = set(region_district_ids(plan.region_code))
    return bool(ids) and ids <= set(scope.district_ids or ())


def plan_for_request(*, code: str | None, user: Any = None) -> Plan | None:
    """The plan asked for (or the default one). A district's plan outside the user's scope is
    refused with a Chinese 403, as the same page of another district would be."""
    plan = (plan_get(code=code) if code else None) or plan_default()
    if plan is not None and not plan_visible(plan=plan, user=user):
        raise ForbiddenError(f"“{plan.name}”不在您的管辖范围内，无权查看")
    return plan


def plan_choices(*, user: Any = None) -> list[Plan]:
    return [p for p in plan_list() if plan_visible(plan=p, user=user)]


# --- regions: district plans and the city's side-by-side view -----------------------------------


def region_label(code: str) -> str:
    """A region's name for headings: a county's own name; the deployment's city is 全市."""
    if code == settings.WENCHUANG_REGION_CODE:
        return "全市"
    name = District.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code


def region_plan(*, region_code: str) -> Plan | None:
    """The region's own plan: the latest loaded plan whose region is exactly this one."""
    return Plan.objects.filter(region_code=region_code).order_by("-start_year", "code").first()


def region_for_user(*, code: str, user: Any) -> Region:
    """A child region of the city the user may open: unknown codes are 404, another district's
    cockpit a Chinese 403 (a district office sees its own districts only)."""
    region = next((r for r in region_children(settings.WENCHUANG_REGION_CODE) if r.code == code), None)
    if region is None:
        raise NotFoundError(f"区划代码 {code} 不是本市的下级区划")
    scope = user_scope(user)
    if not scope.city_wide:
        ids = set(region_district_ids(code))
        if not ids or not ids <= set(scope.district_ids or ()):
            raise ForbiddenError(scope.outside(f"{region.name}的驾驶舱"))
    return region


def regions_for_user(*, user: Any) -> list[Region]:
    """The city's child regions the user may see (a district office: its own)."""
    scope = user_scope(user)
    children = region_children(settings.WENCHUANG_REGION_CODE)
    if scope.city_wide:
        return children
    own = set(scope.district_ids or ())
    return [r for r in children if (ids := set(region_district_ids(r.code))) and ids <= own]


@dataclass
class RegionProgress:
    """One child region in the city's side-by-side view: its own plan (if any) and that plan's main
    indicators in `year` from the read model."""

    region: Region
    plan: Plan | None
    year: int | None
    rows: list[IndicatorRow]


def region_progress(*, regions: list[Region], year: int | None) -> list[RegionProgress]:
    """Each region against its own plan: the latest year with values up to `year` (None: latest)."""
    out = []
    for region in regions:
        plan = region_plan(region_code=region.code)
        if plan is None:
            out.append(RegionProgress(region, None, None, []))
            continue
        years = [y for y in indicator_years(plan=plan) if year is None or y <= year]
        shown = years[-1] if years else None
        defs = list(Indicator.objects.filter(plan=plan, category=Indicator.Category.MAIN).order_by("seq"))
        rows = readmodel.indicator_rows(plan=plan, year=shown, defs=defs) if shown is not None else []
        out.append(RegionProgress(region, plan, shown, rows))
    return out


def region_years(*, regions: list[Region]) -> list[int]:
    """Years with stored values in any of the regions' own plans."""
    codes = [r.code for r in regions]
    plans = Plan.objects.filter(region_code__in=codes).values_list("code", flat=True)
    return sorted(
        set(
            IndicatorValue.objects.filter(plan_code__in=list(plans), spatial_unit_code="")
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    )


def district_fallback_rows(*, plan: Plan, year: int, region: Region) -> list[IndicatorRow]:
    """A district without its own plan: the city plan's indicators evaluated over the district's
    micro data (no targets: the city's targets are not the district's)."""
    return readmodel.district_indicator_rows(
        plan=plan, year=year, district_ids=region_district_ids(region.code), label=region.name
    )


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
    rows = stats_selectors.district_breakdown(year=year, districts=districts)
    return [
        {
            "code": r["code"],
            "name": r["name"],
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


def indicator_breakdown(
    *, indicator: Indicator, year: int, by: str, districts: Iterable[int] | None
) -> list[dict[str, Any]] | None:
    """The indicator's value by district ("district") or by 大类 ("major"), from the rollup cells
    (`stats.selectors.formula_breakdown`). None when the formula cannot be split."""
    return stats_selectors.formula_breakdown(
        formula=indicator.formula or {}, year=year, by=by, districts=districts
    )


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
