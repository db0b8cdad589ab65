"""数据发布: the city office publishes the plan's working figures as the next version (with a reason for a
revision), sees what would change for the public (indicator, scope, year, old → new), and withdraws a
version published in error. The rules are in `stats.services` (publication_*)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wenchuang.accounts.decorators import role_required
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.stats import services as stats_services
from wenchuang.stats.publication import Change
from wenchuang.web import selectors

PUBLISHERS = ("city_admin",)


@role_required(*PUBLISHERS)
@require_http_methods(["GET", "POST"])
def publication_list(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_for_request(code=request.GET.get("plan") or request.POST.get("plan"))
    if plan is None:
        return render(request, "web/publications.html", {"plan": None})
    if request.method == "POST":
        try:
            version = stats_services.publication_publish(
                user=request.user, plan_code=plan.code, reason=request.POST.get("reason", "")
            )
        except ForbiddenError as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"已发布{version.label}（{len(version.changes)}项变动），公众页面与开放接口已更新"
            )
        return redirect("web:publications")
    context = {
        "plan": plan,
        "versions": list(selectors.publication_list(plan=plan)),
        "current": selectors.publication_current(plan=plan),
        "changes": selectors.publication_pending_changes(plan=plan),
        "has_values": bool(selectors.indicator_years(plan=plan)),
    }
    return render(request, "web/publications.html", context)


@role_required(*PUBLISHERS)
@require_http_methods(["GET", "POST"])
def publication_detail(request: HttpRequest, number: int) -> HttpResponse:
    plan = selectors.plan_for_request(code=request.GET.get("plan"))
    version = selectors.publication_by_number(plan=plan, number=number) if plan else None
    if version is None:
        raise Http404("发布版本不存在")
    if request.method == "POST":
        try:
            stats_services.publication_withdraw(
                user=request.user, version=version, reason=request.POST.get("reason", "")
            )
        except ForbiddenError as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{version.label}已撤回")
        return redirect("web:publication_detail", number=number)
    return render(
        request,
        "web/publication_detail.html",
        {
            "plan": plan,
            "version": version,
            "changes": [Change(**c) for c in version.changes],
            "log": selectors.publication_log(version=version),
        },
    )
