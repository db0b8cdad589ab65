"""空间布局: 两带、五廊、八组团 with their key platforms and figures, on the map. Published: public."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wenchuang.plan.selectors import plan_spatial_units
from wenchuang.stats.readmodel import IndicatorRow
from wenchuang.web import charts, presenters, selectors


@require_GET
def spatial_layout(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_for_request(code=request.GET.get("plan"), user=request.user)
    if plan is None:
        return render(request, "web/layout.html", {"plan": None})
    units = plan_spatial_units(plan=plan)
    # An open page: the figures of the published version only, for staff too.
    version = selectors.publication_current(plan=plan)
    years = selectors.indicator_years(plan=plan, version=version) if version else []
    year = selectors.year_pick(years=years, asked=request.GET.get("year"))
    values: dict[tuple[str, str], IndicatorRow] = {}
    if year is not None:
        values = {
            (r.spatial_unit, r.code): r for r in selectors.unit_rows(plan=plan, year=year, version=version)
        }
    chosen = next((u for u in units if u.code == request.GET.get("unit")), units[0] if units else None)
    rows = []
    for u in units:
        output = values.get((u.code, "total_output"))
        added = values.get((u.code, "value_added"))
        rows.append(
            {
                "unit": u,
                "districts": "、".join(d.name for d in sorted(u.districts.all(), key=lambda d: d.code)),
                "platforms": [link.platform for link in u.platform_links.all()],
                "output": presenters.unit_figure(u.name, output),
                "value_added": presenters.num(added.value) if added else "—",
            }
        )
    chosen_names = [d.name for d in chosen.districts.all()] if chosen else []
    context = {
        "plan": plan,
        "year": year,
        "years": years,
        "version": version,
        "rows": rows,
        "chosen": chosen,
        "map_options": charts.membership_map(chosen_names, label=chosen.name if chosen else _("空间布局")),
        "geojson_url": reverse("web:geojson"),
    }
    return render(request, "web/layout.html", context)
