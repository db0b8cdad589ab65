"""JSON read endpoints of the statistics engine (the API app can mount these or wrap the same
selectors). Thin: parse, call one selector, render."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from wenchuang.stats import selectors
from wenchuang.stats.presenters import indicator_value_dict


def indicator_values(request: HttpRequest, plan_code: str, year: int) -> JsonResponse:
    """Stored indicator values of a plan for a year (city level): public, aggregated figures."""
    values = selectors.indicator_value_list(plan_code=plan_code, year=year)
    return JsonResponse(
        {"plan": plan_code, "year": year, "indicators": [indicator_value_dict(v) for v in values]},
        json_dumps_params={"ensure_ascii": False},
    )


def ping(request: HttpRequest) -> JsonResponse:
    """The benchmark's floor: the same stack with no database work."""
    return JsonResponse({"ok": True})
