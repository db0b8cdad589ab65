"""Pages of the task assessment. Thin: parse input, call a selector or service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.assessment import selectors, services
from wenchuang.assessment.models import Method, Unit
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.plan.models import Commitment
from wenchuang.plan.selectors import plan_default

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


class AssignForm(forms.Form):
    commitment = forms.ModelChoiceField(label="规划任务", queryset=Commitment.objects.none())
    units = forms.ModelMultipleChoiceField(label="责任单位", queryset=Unit.objects.order_by("kind", "code"))
    year_from = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label="终止年度", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = plan_default()
        field: Any = self.fields["commitment"]
        field.queryset = Commitment.objects.filter(programme__plan=plan).select_related("programme")
        field.label_from_instance = lambda c: f"{c.programme.name}：{c.text[:50]}"
        if plan is not None:
            self.fields["year_from"].initial, self.fields["year_to"].initial = plan.start_year, plan.end_year


@role_required("city_admin")
def task_new(request: HttpRequest) -> HttpResponse:
    form = AssignForm(request.POST if request.POST.get("action") == "assign" else None)
    if request.method == "POST":
        if request.POST.get("action") == "district_units":
            n = services.district_units_ensure()
            messages.success(request, f"已生成{n}个区县政府责任单位")
            return redirect("assessment:task_new")
        if form.is_valid():
            d = form.cleaned_data
            try:
                tasks = services.tasks_assign(
                    user=request.user,
                    commitment_id=d["commitment"].pk,
                    unit_ids=[u.pk for u in d["units"]],
                    years=list(range(d["year_from"], d["year_to"] + 1)),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已分解为{len(tasks)}项单位任务（已有的不重复生成）")
                return redirect("assessment:task_new")
    return render(request, "assessment/task_new.html", {"form": form, "year": timezone.localdate().year})


@role_required("city_admin")
@require_POST
def adjustment_add(request: HttpRequest) -> HttpResponse:
    try:
        unit, year = int(request.POST.get("unit", "")), int(request.POST.get("year", ""))
        points = Decimal(request.POST.get("points", ""))
    except (ValueError, ArithmeticError):
        messages.error(request, "请填写单位、年度和分值")
        return redirect("assessment:scores")
    try:
        selectors.unit_get(user=request.user, pk=unit)
        services.adjustment_add(
            user=request.user,
            unit_id=unit,
            year=year,
            kind=request.POST.get("kind", ""),
            item=request.POST.get("item", "").strip()[:40],
            points=points,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:scores")
    messages.success(request, "已记录加减分事项")
    return redirect("assessment:sheet", unit=unit, year=year)
