"""Pages of the task assessment. Thin: parse input, call a selector or service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wenchuang.accounts.decorators import role_required
from wenchuang.assessment import selectors, services
from wenchuang.assessment.models import Method
from wenchuang.core.errors import DomainError, ForbiddenError

ROLES = ("city_admin", "district_admin")


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@role_required(*ROLES)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = list(selectors.milestones(user=request.user, year=year).order_by("task__unit__code", "task__code"))
    states = {}
    for r in selectors.Report.objects.filter(milestone__in=rows).order_by("reported_on", "pk"):
        states[r.milestone_id] = r
    today = timezone.localdate()
    items = [(m, states.get(m.pk), m.pk not in states and m.due < today) for m in rows]
    return render(
        request,
        "assessment/home.html",
        {"items": items, "year": year, "years": list(range(2021, today.year + 1))},
    )


class ReportForm(forms.Form):
    value = forms.DecimalField(label="完成值", required=False, max_digits=16, decimal_places=4)
    done = forms.TypedChoiceField(
        label="是否完成",
        required=False,
        choices=[("", "—"), ("1", "已完成"), ("0", "未完成")],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    evidence = forms.CharField(label="佐证说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence_file = forms.FileField(label="佐证文件", required=False)


@role_required(*ROLES)
def milestone(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        m = selectors.milestone_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action = request.POST.get("action", "report")
        try:
            if action in ("accept", "return"):
                services.report_review(
                    user=request.user,
                    report_id=int(request.POST.get("report") or 0),
                    accept=action == "accept",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已审核")
                return redirect("assessment:milestone", pk=pk)
            if form.is_valid():
                f = form.cleaned_data["evidence_file"]
                if f is not None and f.size > 20 * 1024 * 1024:
                    raise DomainError("佐证文件不能超过20MB")
                services.report_submit(
                    user=request.user,
                    milestone_id=pk,
                    value=form.cleaned_data["value"],
                    done=form.cleaned_data["done"],
                    evidence=form.cleaned_data["evidence"],
                    evidence_file=f,
                )
                messages.success(request, "进展已报送，等待牵头部门审核")
                return redirect("assessment:milestone", pk=pk)
        except ForbiddenError as exc:
            messages.error(request, exc.message)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求有误"))
    reports = m.reports.select_related("reported_by", "reviewed_by").order_by("-reported_on", "-pk")
    return render(request, "assessment/milestone.html", {"m": m, "form": form, "reports": reports})


@role_required(*ROLES)
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        report = selectors.report_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    if not report.evidence_file:
        raise Http404
    return FileResponse(report.evidence_file.open("rb"), as_attachment=True)


@role_required(*ROLES)
@require_GET
def scores(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    method, rows = selectors.scores(year=year, user=request.user)
    return render(
        request,
        "assessment/scores.html",
        {
            "method": method,
            "rows": rows,
            "year": year,
            "years": list(range(2021, timezone.localdate().year + 1)),
        },
    )


@role_required(*ROLES)
@require_GET
def sheet(request: HttpRequest, unit: int, year: int) -> HttpResponse:
    try:
        u = selectors.unit_get(user=request.user, pk=unit)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    method, rows = selectors.scores(year=year, user=request.user)
    row = next((r for r in rows if r.unit.pk == u.pk), None)
    return render(request, "assessment/sheet.html", {"unit": u, "year": year, "method": method, "row": row})


@role_required(*ROLES)
@require_GET
def methods(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/methods.html", {"methods": Method.objects.all()})
