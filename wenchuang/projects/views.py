"""Pages of the key-project library. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.classify.models import CultureCategory
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.plan.models import SpatialUnit, format_target
from wenchuang.plan.selectors import plan_default
from wenchuang.projects import importer, selectors, services
from wenchuang.projects.models import Status
from wenchuang.registry.models import District

READERS = ("city_admin", "district_admin", "data_manager", "enterprise")
STAFF = ("city_admin", "district_admin", "data_manager")
ACTORS = ("city_admin", "district_admin")
SUBMITTERS = ("city_admin", "district_admin", "enterprise")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _display(target: tuple[str, Any] | None) -> str:
    if target is None:
        return ""
    return ("不低于" if target[0] == ">=" else "") + format_target(target[0], target[1]) + "%"


@role_required(*READERS)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.project_list(user=request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "projects/list.html",
        {"projects": qs.order_by("-created_at")[:500], "statuses": Status.choices, "status": status},
    )


@role_required(*STAFF)
@require_GET
def rate_overview(request: HttpRequest) -> HttpResponse:
    plan = plan_default()
    year = _year(request)
    target = selectors.rate_target(plan=plan)
    rows = selectors.rate_table(user=request.user, year=year, plan=plan)
    years = (
        list(range(plan.start_year, max(plan.end_year, timezone.localdate().year) + 1)) if plan else [year]
    )
    return render(
        request,
        "projects/rates.html",
        {
            "rows": rows,
            "year": year,
            "years": years,
            "target": target,
            "plan": plan,
            "target_display": _display(target),
        },
    )


@role_required(*STAFF)
@require_GET
def rate_detail(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    group = request.GET.get("group", "city")
    try:
        figure, projects = selectors.rate_detail(user=request.user, year=year, kind=kind, group=group)
    except (ForbiddenError, ValueError) as exc:
        raise PermissionDenied from exc
    target = selectors.rate_target(plan=plan_default())
    return render(
        request,
        "projects/rate_detail.html",
        {
            "figure": figure,
            "projects": projects,
            "label": selectors.KINDS[kind],
            "target": target,
            "kind": kind,
        },
    )


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, s.label) for k, s in services.STEPS.items()])
    on = forms.DateField(label="发生日期", required=False)
    evidence = forms.CharField(label="佐证材料", required=False, max_length=2000)
    note = forms.CharField(label="说明/原因", required=False, max_length=2000)


@role_required(*READERS)
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = selectors.project_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "events": selectors.project_events(project=project),
            "steps": services.allowed_steps(user=request.user, project=project),
            "investments": project.investments.order_by("year"),
            "today": timezone.localdate(),
        },
    )


@role_required(*ACTORS)
@require_POST
def project_step(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        selectors.project_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择操作并填写有效日期")
        return redirect("projects:detail", pk=pk)
    try:
        services.project_step(
            user=request.user,
            project_id=pk,
            action=form.cleaned_data["action"],
            on=form.cleaned_data["on"],
            evidence=form.cleaned_data["evidence"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{services.STEPS[form.cleaned_data['action']].label}")
    return redirect("projects:detail", pk=pk)


class SubmitForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    district = forms.ModelChoiceField(label="所在区县", queryset=District.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label="行业类别", queryset=CultureCategory.objects.filter(level=1).order_by("code")
    )
    spatial_unit = forms.ModelChoiceField(
        label="所属带、廊、组团", queryset=SpatialUnit.objects.none(), required=False
    )
    planned_investment = forms.DecimalField(
        label="计划总投资（万元）", min_value=0, max_digits=16, decimal_places=2
    )
    planned_start = forms.DateField(label="计划开工日期", widget=forms.DateInput(attrs={"type": "date"}))
    planned_completion = forms.DateField(label="计划建成日期", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label="建设内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        if scope.is_enterprise:
            del self.fields["district"]
        else:
            qs = District.objects.order_by("code")
            field: Any = self.fields["district"]
            field.queryset = qs if scope.city_wide else qs.filter(pk__in=scope.district_ids or ())
            self.fields["district"].required = True
        plan = plan_default()
        units: Any = self.fields["spatial_unit"]
        units.queryset = SpatialUnit.objects.filter(plan=plan).order_by("kind", "seq")


@role_required(*SUBMITTERS)
def project_submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_submit(
                user=request.user,
                name=d["name"],
                district_id=d["district"].pk if d.get("district") else None,
                category_id=d["category"].pk,
                spatial_unit_id=d["spatial_unit"].pk if d["spatial_unit"] else None,
                planned_investment=d["planned_investment"],
                planned_start=d["planned_start"],
                planned_completion=d["planned_completion"],
                description=d["description"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"项目“{project.name}”已提交，等待区县审核")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/submit.html", {"form": form})


class ImportForm(forms.Form):
    file = forms.FileField(label="项目清单（xlsx）")


@role_required(*ACTORS)
def project_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            form.add_error("file", "文件不能超过10MB")
        else:
            try:
                result = importer.project_import(user=request.user, data=upload.read(), file_name=upload.name)
            except DomainError as exc:
                form.add_error("file", exc.message)
    return render(
        request, "projects/import.html", {"form": form, "result": result, "columns": importer.COLUMNS}
    )


@role_required(*ACTORS)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importer.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=template-projects.xlsx"
    return response


class InvestmentForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    planned = forms.DecimalField(
        label="计划投资（万元）", required=False, min_value=0, max_digits=16, decimal_places=2
    )
    actual = forms.DecimalField(
        label="完成投资（万元）", required=False, min_value=0, max_digits=16, decimal_places=2
    )


@role_required(*ACTORS)
@require_POST
def project_investment(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        selectors.project_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    form = InvestmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写年度和不为负的投资额（万元）")
        return redirect("projects:detail", pk=pk)
    d = form.cleaned_data
    try:
        services.project_investment_record(
            user=request.user, project_id=pk, year=d["year"], planned=d["planned"], actual=d["actual"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录{d['year']}年投资")
    return redirect("projects:detail", pk=pk)
