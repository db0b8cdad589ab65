"""驾驶舱: the plan's main indicators, GDP share, western counties, belts and the district map. Reads
stored indicator values and rollup cells only. Staff see the working figures; each says whether the
public sees the same (the published version) or marks it 「未发布」, with 覆盖率 beside a computed one;
the key-project start and completion rates against the plan's commitment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wenchuang.web import charts, presenters, selectors
from wenchuang.web.views.common import staff_required


@staff_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_for_request(code=request.GET.get("plan"), user=request.user)
    if plan is not None and plan.is_county_plan:
        # A district's plan is read on its district's cockpit, against its own targets.
        url = reverse("web:region_cockpit", args=[plan.region_code])
        return redirect(f"{url}?{request.GET.urlencode()}")
    # A district office's link to its own district cockpit (the city-wide roles use the menu's).
    scoped = selectors.districts_scope(user=request.user) is not None
    context: dict[str, object] = {
        "plan": plan,
        "plans": selectors.plan_choices(user=request.user),
        "own_regions": selectors.regions_for_user(user=request.user) if scoped else [],
    }
    if plan is None:
        return render(request, "web/cockpit.html", context)
    years = selectors.indicator_years(plan=plan)
    year = selectors.year_pick(years=years, asked=request.GET.get("year"))
    context.update(years=years, year=year)
    if year is None:
        return render(request, "web/cockpit.html", context)
    defs = selectors.cockpit_defs(plan=plan)
    rows = selectors.cockpit_rows(plan=plan, year=year, defs=defs)
    version = selectors.publication_current(plan=plan)
    published = selectors.cockpit_rows(plan=plan, year=year, version=version, defs=defs) if version else None
    scope = selectors.districts_scope(user=request.user)
    # The cards are city figures (for a district office too): the city's 覆盖率 goes beside them.
    completeness = selectors.completeness_rate(year=year, districts=None)

    def card(ind: object, v: object, public: object) -> dict[str, object]:
        return presenters.publication_mark(
            presenters.indicator_card(ind, v),  # type: ignore[arg-type]
            public,  # type: ignore[arg-type]
            version,
            completeness,
        )

    rates = selectors.project_rates(user=request.user, plan=plan, year=year)
    public_main = dict((i.code, v) for i, v in published.main) if published else {}
    public_vision = dict((i.code, v) for i, v in published.vision) if published else {}
    cards = [card(ind, v, public_main.get(ind.code)) for ind, v in rows.main]
    districts = selectors.district_totals(year=year, districts=scope)
    # Belts and the western counties beside their published values, like the cards.
    public_belts = dict((u.code, v) for u, v in published.belts) if published else {}
    belts = [
        presenters.unit_publication_mark(
            presenters.unit_figure(unit.name, v, unit.code), public_belts.get(unit.code), version
        )
        for unit, v in rows.belts
    ]
    belt_values = [None if v is None or v.value is None else float(v.value) for _u, v in rows.belts]
    belt_targets = [
        None if v is None or v.target_value is None else float(v.target_value) for _u, v in rows.belts
    ]
    context.update(
        cards=cards,
        gdp=card(rows.gdp_indicator, rows.gdp_share, published.gdp_share if published else None)
        if rows.gdp_indicator
        else None,
        western=presenters.unit_publication_mark(
            presenters.unit_figure(_("西部五区县（市）"), rows.western),
            published.western if published else None,
            version,
        ),
        western_value=presenters.num(rows.western.value)
        if rows.western and rows.western.value is not None
        else _("暂无数据"),
        vision=[card(ind, v, public_vision.get(ind.code)) for ind, v in rows.vision],
        version=version,
        completeness=completeness,
        project_rates=rates,
        project_rows=[(_("开工率"), "start", rates.start), (_("竣工率"), "completion", rates.completion)]
        if rates
        else [],
        outside_period=not plan.base_year <= year <= plan.end_year,
        belts=belts,
        districts=districts,
        district_office=scope is not None,
        map_options=charts.district_map(districts, measure="total_output", label=_("文化产业总产出（亿元）")),
        progress_options=charts.progress_bars(cards),
        belts_options=charts.belts_bars(belts, belt_values, belt_targets),
        geojson_url=reverse("web:geojson"),
    )
    return render(request, "web/cockpit.html", context)


@staff_required
@require_GET
def region_overview(request: HttpRequest) -> HttpResponse:
    """The city's districts side by side, each against its own plan. A district office with one
    district goes straight to its own cockpit."""
    regions = selectors.regions_for_user(user=request.user)
    if selectors.districts_scope(user=request.user) is not None and len(regions) == 1:
        return redirect("web:region_cockpit", code=regions[0].code)
    years = selectors.region_years(regions=regions)
    year = selectors.year_pick(years=years, asked=request.GET.get("year"))
    progress = selectors.region_progress(regions=regions, year=year)
    table = [
        {
            "region": p.region,
            "plan": p.plan,
            "year": p.year,
            "rows": [presenters.region_row(r) for r in p.rows],
        }
        for p in progress
    ]
    context = {
        "regions": table,
        "years": years,
        "year": year,
        "with_plan": sum(1 for p in progress if p.plan is not None),
    }
    return render(request, "web/regions.html", context)


@staff_required
@require_GET
def region_cockpit(request: HttpRequest, code: str) -> HttpResponse:
    """A district's cockpit against its own plan; without one, the city plan's indicators over the
    district's micro data, said so."""
    region = selectors.region_for_user(code=code, user=request.user)
    own_plan = selectors.region_plan(region_code=region.code)
    asked = request.GET.get("plan")
    plan = selectors.plan_for_request(code=asked, user=request.user) if asked else own_plan
    if plan is not None and plan.region_code != region.code and plan.is_county_plan:
        plan = own_plan  # another district's plan never reads as this district's
    context: dict[str, object] = {"region": region, "own_plan": own_plan}
    if plan is None or plan.region_code != region.code:
        city_plan = selectors.plan_for_request(code=None, user=request.user)
        context.update(plan=city_plan, fallback=True)
        if city_plan is None:
            return render(request, "web/region_cockpit.html", context)
        years = selectors.indicator_years(plan=city_plan)
        year = selectors.year_pick(years=years, asked=request.GET.get("year"))
        context.update(years=years, year=year)
        if year is not None:
            fallback = selectors.district_fallback_rows(plan=city_plan, year=year, region=region)
            context["fallback_rows"] = [presenters.region_row(r) for r in fallback]
        return render(request, "web/region_cockpit.html", context)
    years = selectors.indicator_years(plan=plan)
    year = selectors.year_pick(years=years, asked=request.GET.get("year"))
    context.update(plan=plan, fallback=False, years=years, year=year)
    if year is not None:
        rows = selectors.cockpit_rows(plan=plan, year=year)
        cards = [presenters.indicator_card(ind, v) for ind, v in rows.main]
        districts = selectors.district_totals(
            year=year, districts=selectors.plan_districts(plan=plan, user=request.user)
        )
        context.update(
            cards=cards,
            vision=[presenters.indicator_card(ind, v) for ind, v in rows.vision],
            outside_period=not plan.base_year <= year <= plan.end_year,
            districts=districts,
            progress_options=charts.progress_bars(cards),
        )
    return render(request, "web/region_cockpit.html", context)
