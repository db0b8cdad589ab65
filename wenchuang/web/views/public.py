"""Pages for everyone: the public home page (published aggregates only) and the district boundaries."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from wenchuang.plan.models import format_value
from wenchuang.web import presenters, selectors


def home(request: HttpRequest) -> HttpResponse:
    """Staff land on their cockpit; everyone else sees the plan's indicators with the city figures of
    the latest published version (no micro data, no district detail; before the first publication:
    暂无已发布数据)."""
    if selectors.is_staff_user(request.user):
        return redirect("web:cockpit")
    plan = selectors.plan_for_request(code=None)
    rows = []
    year = None
    version = None
    if plan is not None:
        # Nothing reaches the public unpublished: the figures of the version the city office published.
        version = selectors.publication_current(plan=plan)
        years = selectors.indicator_years(plan=plan, version=version) if version else []
        year = years[-1] if years else None
        stored = selectors.cockpit_rows(plan=plan, year=year, version=version).main if year else []
        values = {ind.code: v for ind, v in stored}
        from wenchuang.plan.selectors import plan_main_indicators

        for ind in plan_main_indicators(plan=plan):
            v = values.get(ind.code)
            rows.append(
                {
                    "seq": ind.seq,
                    "name": ind.name,
                    "unit": ind.unit,
                    "base_display": format_value(ind.base_value),
                    "target_display": ind.target_display,
                    "latest": presenters.num(v.value)
                    if v and v.value is not None
                    else ("暂无数据" if version else "暂无已发布数据"),
                    "status_label": presenters.status_label(v.status) if v and v.status else "",
                    "badge": presenters.STATUS_BADGES.get(v.status, "text-bg-secondary") if v else "",
                }
            )
    context = {
        "plan": plan,
        "indicators": rows,
        "year": year,
        "version": version,
        "base_year": getattr(plan, "base_year", ""),
        "target_year": getattr(plan, "end_year", ""),
    }
    return render(request, "web/home.html", context)


@require_GET
def geojson(request: HttpRequest) -> HttpResponse:
    """The district boundaries the maps draw (settings.WENCHUANG_MAP_GEOJSON; replaceable by an
    officially reviewed file). Served from the deployment, never from a CDN."""
    path = settings.WENCHUANG_MAP_GEOJSON
    if not path.is_file():
        raise Http404("map file missing")
    response = HttpResponse(path.read_bytes(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response
