from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenchuang.web.formatting import format_number, format_target


def home(request: HttpRequest) -> HttpResponse:
    from wenchuang.plan.selectors import plan_default, plan_main_indicators  # INTEGRATION: move to top

    plan = plan_default()
    rows = []
    if plan is not None:
        for ind in plan_main_indicators(plan=plan):
            rows.append(
                {
                    "seq": ind.seq,
                    "name": ind.name,
                    "unit": ind.unit,
                    "base_display": format_number(ind.base_value),
                    "target_display": format_target(ind.target_op, ind.target_value),
                }
            )
    context = {
        "plan": plan,
        "indicators": rows,
        "base_year": getattr(plan, "base_year", ""),
        "target_year": getattr(plan, "end_year", ""),
    }
    return render(request, "web/home.html", context)
