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
from wenchuang.stats.models import IndicatorValue, RollupYear
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


def indicator_years(*, plan: Plan) -> list[int]:
    """Years with stored indicator values for the plan (city level)."""
    return sorted(
        set(
            IndicatorValue.objects.filter(plan_code=plan.code, spatial_unit_code="")
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    )


def year_pick(*, years: list[int], asked: str | None) -> int | None:
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked)
    return years[-1] if years else None


# --- cockpit --------------------------------------------------------------------------------------


@dataclass
class CockpitRows:
    main: list[tuple[Indicator, IndicatorRow | None]]
    gdp_indicator: Indicator | None
    gdp_share: IndicatorRow | None
    vision: list[tuple[Indicator, IndicatorRow | None]]
    western: IndicatorRow | None
    belts: list[tuple[SpatialUnit, IndicatorRow | None]]


def cockpit_rows(*, plan: Plan, year: int) -> CockpitRows:
    """The plan's indicators and units with the read model's rows of `year` (one series per indicator)."""
    indicators = list(Indicator.objects.filter(plan=plan).order_by("category", "seq"))
    units = list(SpatialUnit.objects.filter(plan=plan, kind__in=["belt", "region_group"]).order_by("seq"))
    rows = readmodel.indicator_rows(plan=plan, year=year, spatial_unit_code=None, defs=indicators)
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


def indicator_series(*, plan: Plan, code: str, spatial_unit_code: str = "") -> list[IndicatorRow]:
    return readmodel.indicator_series(plan_code=plan.code, code=code, spatial_unit_code=spatial_unit_code)


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


def unit_rows(*, plan: Plan, year: int) -> list[IndicatorRow]:
    """Every spatial unit's rows of a year from the read model."""
    rows = readmodel.indicator_rows(plan=plan, year=year, spatial_unit_code=None, with_empty=False)
    return [r for r in rows if r.spatial_unit]
