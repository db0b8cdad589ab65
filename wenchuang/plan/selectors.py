"""Reads of the plan app. Plans are public metadata (the plan text is published), so no role scoping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When

from wenchuang.plan.models import (
    Commitment,
    Indicator,
    IndustryFocus,
    Plan,
    PlanFact,
    Programme,
    SpatialUnit,
    SpatialUnitPlatform,
    format_target,
)
from wenchuang.registry.regions import region_within


def plan_get(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.annotate(
        indicator_count=Count("indicators", distinct=True),
        spatial_unit_count=Count("spatial_units", distinct=True),
    ).order_by("-start_year", "code")


def plan_list_covering(*, district_codes: list[str]) -> list[Plan]:
    """The plans whose region holds at least one of these counties (a district office's own plan and
    the city's and province's above it), in `plan_list` order; [] of codes means no restriction."""
    plans = list(plan_list())
    if not district_codes:
        return plans
    return [p for p in plans if any(region_within(code, p.region_code) for code in district_codes)]


def plan_default() -> Plan | None:
    """The plan the site shows by default (settings.WENCHUANG_DEFAULT_PLAN), if it has been loaded."""
    return plan_get(code=settings.WENCHUANG_DEFAULT_PLAN)


def plan_indicators(*, plan: Plan, category: str | None = None) -> list[Indicator]:
    qs = Indicator.objects.filter(plan=plan)
    if category is not None:
        qs = qs.filter(category=category)
    return list(qs.order_by("category", "seq"))


def plan_main_indicators(*, plan: Plan) -> list[Indicator]:
    """The main-indicator table, in the plan's order (seq)."""
    return list(Indicator.objects.filter(plan=plan, category=Indicator.Category.MAIN).order_by("seq"))


def plan_spatial_units(*, plan: Plan, kind: str | None = None) -> list[SpatialUnit]:
    """Units with districts, ordered platforms and targets prefetched (no queries per unit)."""
    qs = SpatialUnit.objects.filter(plan=plan).prefetch_related(
        "districts",
        "targets",
        Prefetch(
            "platform_links",
            queryset=SpatialUnitPlatform.objects.select_related("platform", "platform__district").order_by(
                "seq"
            ),
        ),
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    # The plan's own order: 两带, 五廊, 八组团, then groups of districts.
    kind_order = Case(
        *(When(kind=k, then=Value(i)) for i, k in enumerate(SpatialUnit.Kind.values)),
        output_field=IntegerField(),
    )
    return list(qs.order_by(kind_order, "seq"))


def plan_industries(*, plan: Plan) -> list[IndustryFocus]:
    return list(IndustryFocus.objects.filter(plan=plan).order_by("kind", "seq"))


def plan_programmes(*, plan: Plan) -> list[Programme]:
    return list(
        Programme.objects.filter(plan=plan)
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("seq")))
        .order_by("seq")
    )


def plan_facts(*, plan: Plan) -> list[PlanFact]:
    return list(PlanFact.objects.filter(plan=plan).select_related("spatial_unit").order_by("seq"))


# --- export -----------------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    """JSON numbers as the plan prints them: 2285, not "2285.0000" nor 2285.0."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    return {
        "seq": indicator.seq,
        "code": indicator.code,
        "category": indicator.category,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "base_year": indicator.base_year,
        "base_value": _number(indicator.base_value),
        "target_year": indicator.target_year,
        "target_op": indicator.target_op,
        "target_value": _number(indicator.target_value),
        "target_display": indicator.target_display,
        "formula": indicator.formula,
        "notes": indicator.notes,
    }


def plan_export(*, plan: Plan) -> dict[str, Any]:
    """The whole plan as plain JSON-ready data (used by `wenchuang plan show --json` and the API)."""
    indicators = plan_indicators(plan=plan)
    return {
        "code": plan.code,
        "name": plan.name,
        "region_code": plan.region_code,
        "region_level": plan.region_level,
        "city_code": plan.city_code,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "base_year": plan.base_year,
        "vision_year": plan.vision_year,
        "source_title": plan.source_title,
        "source_sha256": plan.source_sha256,
        "file_name": plan.file_name,
        "file_sha256": plan.file_sha256,
        "loaded_at": plan.loaded_at.isoformat(),
        "main_indicators": [_indicator_dict(i) for i in indicators if i.category == Indicator.Category.MAIN],
        "other_indicators": [_indicator_dict(i) for i in indicators if i.category != Indicator.Category.MAIN],
        "spatial_units": [
            {
                "code": unit.code,
                "kind": unit.kind,
                "seq": unit.seq,
                "name": unit.name,
                "description": unit.description,
                "note": unit.note,
                "districts": [
                    {"code": d.code, "name": d.name}
                    for d in sorted(unit.districts.all(), key=lambda d: d.code)
                ],
                "platforms": [
                    {
                        "name": link.platform.name,
                        "kind": link.platform.kind,
                        "level": link.platform.level,
                        "district": link.platform.district.code if link.platform.district else None,
                    }
                    for link in unit.platform_links.all()
                ],
                "targets": [
                    {
                        "measure": t.measure,
                        "year": t.year,
                        "op": t.op,
                        "value": _number(t.value),
                        "unit": t.unit,
                        "display": format_target(t.op, t.value),
                    }
                    for t in sorted(unit.targets.all(), key=lambda t: (t.measure, t.year))
                ],
            }
            for unit in plan_spatial_units(plan=plan)
        ],
        "industries": [
            {
                "code": i.code,
                "kind": i.kind,
                "seq": i.seq,
                "name": i.name,
                "description": i.description,
                "culture_codes": i.culture_codes,
            }
            for i in plan_industries(plan=plan)
        ],
        "programmes": [
            {
                "code": p.code,
                "seq": p.seq,
                "name": p.name,
                "description": p.description,
                "commitments": [
                    {
                        "code": c.code,
                        "seq": c.seq,
                        "text": c.text,
                        "metric": c.metric or None,
                        "target_op": c.target_op or None,
                        "target_value": _number(c.target_value),
                        "unit": c.unit,
                        "deadline_year": c.deadline_year,
                    }
                    for c in p.commitments.all()
                ],
            }
            for p in plan_programmes(plan=plan)
        ],
        "facts": [
            {
                "code": f.code,
                "seq": f.seq,
                "name": f.name,
                "year": f.year,
                "qualifier": f.qualifier,
                "value": _number(f.value),
                "unit": f.unit,
                "spatial_unit": f.spatial_unit.code if f.spatial_unit else None,
                "quote": f.quote,
            }
            for f in plan_facts(plan=plan)
        ],
    }
