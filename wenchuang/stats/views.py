"""JSON read endpoints of the statistics engine (the API app can mount these or wrap the same
selectors). Thin: parse, call one selector, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from wenchuang.stats import selectors


@require_GET
def indicator_values(request: HttpRequest, plan_code: str, year: int) -> HttpResponse:
    """Stored indicator values of a plan for a year (city level): public, aggregated figures. The body
    is the snapshot serialised at recompute time; this view does one indexed read and no arithmetic."""
    body = selectors.indicator_values_json(plan_code=plan_code, year=year)
    return HttpResponse(body, content_type="application/json")


def ping(request: HttpRequest) -> JsonResponse:
    """The benchmark's floor: the same stack with no database work."""
    return JsonResponse({"ok": True})
