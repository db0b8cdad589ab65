"""报告中心: request a report (a background job with progress), the history of generated reports
(who, when, data as of, parameters, SHA-256) and re-download. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.core.errors import DomainError
from wenchuang.reports import sections as editable
from wenchuang.reports import selectors, services
from wenchuang.reports.data import FINAL, MONITORING, ReportError
from wenchuang.reports.models import GeneratedReport
from wenchuang.stats import selectors as stats_selectors

ROLES = selectors.REPORT_ROLES


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=GeneratedReport.Kind.choices, initial=MONITORING)
    plan = forms.ChoiceField(label="规划")
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="终期评估可不填（取规划期最新年度）；此处生成的终期评估载有按数据起草的编写章节，"
        "如需修改后定稿，请使用下方“终期评估文稿”",
    )
    format = forms.ChoiceField(label="格式", choices=GeneratedReport.Format.choices, initial="docx")
    data_version = forms.TypedChoiceField(
        label="数据版本",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="全市指标数值取自所选发布版本（可选较早版本重新生成）；区县范围的报告按所辖区县微观数据计算",
    )

    def __init__(self, *args: object, user: Any, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # A district office chooses among its own district's plan and the plans above it only.
        plans = selectors.plan_list_for_user(user=user)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [(p.code, p.name) for p in plans]
        plan_field.initial = settings.WENCHUANG_DEFAULT_PLAN
        versions = list(stats_selectors.publication_list(plan_code=settings.WENCHUANG_DEFAULT_PLAN))
        version_field = self.fields["data_version"]
        assert isinstance(version_field, forms.ChoiceField)
        version_field.choices = [("", "工作数据（未发布）")] + [
            (str(v.number), f"{v.label}（{v.get_state_display()}，{v.published_at:%Y-%m-%d %H:%M}）")
            for v in versions
            if v.state != v.State.WITHDRAWN
        ]
        current = next((v for v in versions if v.state == v.State.PUBLISHED), None)
        version_field.initial = str(current.number) if current else ""

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == MONITORING and cleaned.get("year") is None:
            self.add_error("year", "统计监测报告须填写年度")
        return cleaned


@role_required(*ROLES)
def home(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            report = services.report_request(
                user=request.user,
                kind=c["kind"],
                plan_code=c["plan"],
                fmt=c["format"],
                year=c["year"] if c["kind"] == MONITORING else None,
                district_codes=selectors.report_scope_for_user(user=request.user),
                data_version=c.get("data_version"),
            )
        except ReportError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reports:detail", pk=report.pk)
    reports = selectors.report_list_for_user(user=request.user)[:50]
    scope = selectors.report_scope_for_user(user=request.user)
    versions = selectors.version_list_for_user(user=request.user)[:20]
    return render(
        request,
        "reports/home.html",
        {
            "form": form,
            "reports": reports,
            "scope": scope,
            "FINAL": FINAL,
            "versions": versions,
            "can_edit": request.user.role in services.EDITOR_ROLES,  # type: ignore[union-attr]
            "version_form": VersionForm(user=request.user),
        },
    )


@role_required(*ROLES)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/detail.html", {"report": report})


@role_required(*ROLES)
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/_progress.html", {"report": report})


@role_required(*ROLES)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    path = selectors.report_file(report=report)
    if report.status != GeneratedReport.Status.DONE or path is None:
        raise Http404("报告文件不存在")
    response = FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=report.file_name,
        content_type=services.CONTENT_TYPES[report.format],
    )
    response["X-Content-SHA256"] = report.sha256
    return response


# --- the final evaluation's written sections: versions 草稿 → 审核 → 定稿 -------------------------


class VersionForm(forms.Form):
    plan = forms.ChoiceField(label="规划")

    def __init__(self, *args: object, user: Any, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [(p.code, p.name) for p in selectors.plan_list_for_user(user=user)]
        plan_field.initial = settings.WENCHUANG_DEFAULT_PLAN


class SectionsForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, title in editable.TITLES.items():
            self.fields[key] = forms.CharField(
                label=title,
                required=False,
                max_length=editable.MAX_LENGTH,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8, "class": "form-control wc-section-text"}),
            )


@role_required(*services.EDITOR_ROLES)
@require_POST
def version_new(request: HttpRequest) -> HttpResponse:
    form = VersionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择规划")
        return redirect("reports:home")
    try:
        version = services.report_version_create(
            user=request.user,
            plan_code=form.cleaned_data["plan"],
            district_codes=selectors.report_scope_for_user(user=request.user),
        )
    except (ReportError, DomainError) as exc:
        messages.error(request, str(exc))
        return redirect("reports:home")
    messages.success(request, f"已按最新数据起草第{version.number}版，请修改后保存")
    return redirect("reports:version", pk=version.pk)


@role_required(*ROLES)
def version(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    editor = user.role in services.EDITOR_ROLES  # type: ignore[union-attr]
    if request.method == "POST" and not editor:
        raise PermissionDenied
    obj = selectors.version_get_for_user(user=user, pk=pk)
    form = SectionsForm(request.POST or None, initial=obj.sections)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_version_sections_save(
                user=user, version=obj, sections={k: form.cleaned_data[k] for k in editable.KEYS}
            )
        except (ReportError, DomainError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存")
            return redirect("reports:version", pk=obj.pk)
    actions = [
        (name, label)
        for name, (label, roles) in services.TRANSITIONS.items()
        if user.role in roles  # type: ignore[union-attr]
        and name in {t.name for t in obj.get_available_state_transitions()}  # type: ignore[attr-defined]
    ]
    return render(
        request,
        "reports/version.html",
        {
            "version": obj,
            "form": form,
            "editable": obj.editable and editor,
            "sections": [(editable.TITLES[k], obj.sections.get(k, "")) for k in editable.KEYS],
            "actions": actions,
            "history": selectors.version_history(version=obj),
            "documents": obj.documents.select_related("created_by").order_by("-created_at")[:20],
        },
    )


@role_required(*services.EDITOR_ROLES)
@require_POST
def version_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    obj = selectors.version_get_for_user(user=request.user, pk=pk)
    try:
        obj = services.report_version_transition(
            user=request.user, version=obj, name=name, note=request.POST.get("note", "")[:500]
        )
    except (ReportError, DomainError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"第{obj.number}版：{obj.get_state_display()}")
    return redirect("reports:version", pk=obj.pk)


@role_required(*ROLES)
@require_POST
def version_generate(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.version_get_for_user(user=request.user, pk=pk)
    fmt = request.POST.get("format", "docx")
    try:
        report = services.report_request(
            user=request.user,
            kind=obj.kind,
            plan_code=obj.plan_code,
            fmt=fmt,
            year=None,
            district_codes=obj.district_codes,
            version=obj,
        )
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:version", pk=obj.pk)
    return redirect("reports:detail", pk=report.pk)
