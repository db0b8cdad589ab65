from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenchuang.plan.models import format_value
from wenchuang.plan.selectors import plan_default, plan_main_indicators


def home(request: HttpRequest) -> HttpResponse:
    plan = plan_default()
    rows = [
        {
            "seq": ind.seq,
            "name": ind.name,
            "unit": ind.unit,
            "base_display": format_value(ind.base_value),
            "target_display": ind.target_display,
        }
        for ind in (plan_main_indicators(plan=plan) if plan is not None else [])
    ]
    context = {
        "plan": plan,
        "indicators": rows,
        "base_year": getattr(plan, "base_year", ""),
        "target_year": getattr(plan, "end_year", ""),
    }
    return render(request, "web/home.html", context)
