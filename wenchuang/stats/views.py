"""JSON read endpoints of the statistics engine (the API app can mount these or wrap the same
selectors). Thin: parse, call one selector, render."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from wenchuang.core.scope import STATISTICS_ROLES, user_scope
from wenchuang.plan.selectors import plan_get
from wenchuang.registry.regions import region_district_ids
from wenchuang.stats import selectors


@require_GET
def indicator_values(request: HttpRequest, plan_code: str, year: int) -> HttpResponse:
    """Stored indicator values of a plan for a year (city level): public, aggregated figures. The body
    is the snapshot serialised at recompute time; this view does one indexed read and no arithmetic.
    A district's plan is not published here: its figures are for the statistics staff whose scope
    holds the district (the district cockpit), until the publication rules release them."""
    if not _published(plan_code, request.user):
        return JsonResponse({"detail": "区县规划的指标值不公开", "code": "permission_denied"}, status=403)
    body = selectors.indicator_values_json(plan_code=plan_code, year=year)
    return HttpResponse(body, content_type="application/json")


def _published(plan_code: str, user: object) -> bool:
    # The deployment's own plan is public without a lookup: the endpoint stays one query.
    if plan_code == settings.WENCHUANG_DEFAULT_PLAN:
        return True
    plan = plan_get(code=plan_code)
    if plan is None or plan.region_code == settings.WENCHUANG_REGION_CODE:
        return True
    scope = user_scope(user)
    if scope.role not in STATISTICS_ROLES:
        return False
    return scope.city_wide or set(region_district_ids(plan.region_code)) <= set(scope.district_ids or ())


def ping(request: HttpRequest) -> JsonResponse:
    """The benchmark's floor: the same stack with no database work."""
    return JsonResponse({"ok": True})
