"""报告中心: request a report (a background job with progress), the history of generated reports
(who, when, data as of, parameters, SHA-256) and re-download. Thin: parse, call a service, render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from wenchuang.accounts.decorators import role_required
from wenchuang.plan import selectors as plan_selectors
from wenchuang.reports import selectors, services
from wenchuang.reports.data import FINAL, MONITORING, ReportError
from wenchuang.reports.models import GeneratedReport

ROLES = selectors.REPORT_ROLES


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=GeneratedReport.Kind.choices, initial=MONITORING)
    plan = forms.ChoiceField(label="规划")
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="终期评估可不填（取规划期最新年度）",
    )
    format = forms.ChoiceField(label="格式", choices=GeneratedReport.Format.choices, initial="docx")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        plans = plan_selectors.plan_list()
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [(p.code, p.name) for p in plans]
        plan_field.initial = settings.WENCHUANG_DEFAULT_PLAN

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == MONITORING and cleaned.get("year") is None:
            self.add_error("year", "统计监测报告须填写年度")
        return cleaned


@role_required(*ROLES)
def home(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
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
            )
        except ReportError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reports:detail", pk=report.pk)
    reports = selectors.report_list_for_user(user=request.user)[:50]
    scope = selectors.report_scope_for_user(user=request.user)
    return render(
        request, "reports/home.html", {"form": form, "reports": reports, "scope": scope, "FINAL": FINAL}
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
