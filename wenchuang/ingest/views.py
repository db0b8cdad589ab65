"""Import pages for the 统计员, the city office and (for their own districts) the district offices:
upload with template download, progress (HTMX polling) and result; the classification review queue;
the keyword rules (city-wide, not for district offices). Thin: parse input, call a service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.core.scope import CITY_WIDE_ROLES
from wenchuang.ingest import selectors, services, undo
from wenchuang.ingest.schema import KINDS
from wenchuang.ingest.workbook import template_workbook

ROLES = selectors.IMPORT_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", choices=[(k.code, k.zh) for k in KINDS.values()])
    file = forms.FileField(label="文件（xlsx或CSV）")
    mode = forms.ChoiceField(
        label="导入方式",
        choices=[("all-or-nothing", "全部成功才写入（有错误则不写入）"), ("valid-only", "只写入有效行")],
        initial="all-or-nothing",
    )
    unit = forms.ChoiceField(
        label="金额单位（列名未注明时）", choices=[("万元", "万元"), ("元", "元"), ("亿元", "亿元")]
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        problem = services.size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem)
        if upload.size == 0:
            raise forms.ValidationError("文件为空")
        return upload


@role_required(*ROLES)
def home(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.batch_submit(
            kind=form.cleaned_data["kind"],
            data=upload.read(),
            file_name=upload.name,
            user=request.user,
            mode=form.cleaned_data["mode"],
            unit=form.cleaned_data["unit"],
            channel="web",
        )
        return redirect("ingest:batch", pk=batch.pk)
    services.batches_reap()
    batches = selectors.batch_list(user=request.user)[:20]
    return render(request, "ingest/home.html", {"form": form, "batches": batches, "kinds": KINDS.values()})


@role_required(*ROLES)
@require_GET
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=template-{kind}.xlsx"
    return response


@role_required(*ROLES)
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.batches_reap()
    batch = selectors.batch_get(user=request.user, pk=pk)
    return render(request, "ingest/batch.html", {"batch": batch})


@role_required(*ROLES)
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    services.batches_reap()
    batch = selectors.batch_get(user=request.user, pk=pk)
    return render(request, "ingest/_progress.html", {"batch": batch})


@role_required(*ROLES)
@require_GET
def batch_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = selectors.batch_get(user=request.user, pk=pk)
    path = batch.error_path
    if path is None or not path.is_file():
        raise Http404("该批次没有错误行文件")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"batch-{batch.pk}-errors.xlsx")


@role_required(*ROLES)
@require_POST
def batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.batch_get(user=request.user, pk=pk)  # an office below the deployment undoes only what it sees
    try:
        undo.batch_undo(batch_id=pk, user=request.user, recompute_later=True)
        messages.success(request, f"批次#{pk}已撤销")
    except services.ImportError_ as exc:
        messages.error(request, str(exc))
    return redirect("ingest:home")


@role_required(*ROLES)
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.batch_get(user=request.user, pk=pk)  # scoped: a district office acts on what it may see
    try:
        services.batch_retry(batch_id=pk, user=request.user)
        messages.success(request, f"批次#{pk}已重新排队导入")
    except services.ImportError_ as exc:
        messages.error(request, str(exc))
    return redirect("ingest:batch", pk=pk)


@role_required(*ROLES)
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_discard(batch_id=pk, user=request.user)
        messages.success(request, f"批次#{pk}已丢弃")
    except services.ImportError_ as exc:
        messages.error(request, str(exc))
    return redirect("ingest:home")


@role_required(*ROLES)
def review(request: HttpRequest) -> HttpResponse:
    from wenchuang.classify import selectors as cs
    from wenchuang.classify.services import ClassifyError, decision_review

    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        action = request.POST.get("action")
        try:
            if not ids:
                messages.error(request, "请先勾选企业")
            elif action == "accept":
                n = decision_review(user=request.user, decision_ids=ids, accept=True)
                messages.success(request, f"已确认{n}家企业的分类")
            elif action == "change":
                code = request.POST.get("category", "").strip()
                n = decision_review(user=request.user, decision_ids=ids, category_code=code)
                messages.success(request, f"已修改{n}家企业的分类")
        except ClassifyError as exc:
            messages.error(request, str(exc))
        return redirect(request.get_full_path())
    filters = {k: request.GET.get(k, "") for k in ("gbt_code", "q", "max_confidence")}
    qs = cs.review_queue(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "ingest/review.html", {"page": page, "filters": filters, "minors": cs.minor_categories()}
    )


@role_required(*CITY_WIDE_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    from wenchuang.classify import selectors as cs
    from wenchuang.classify.services import keyword_rule_update

    if request.method == "POST":
        try:
            run = keyword_rule_update(
                user=request.user,
                rule_id=int(request.POST.get("rule", "0") or 0),
                include=request.POST.get("include_keywords", ""),
                exclude=request.POST.get("exclude_keywords", ""),
                is_active=request.POST.get("is_active") == "on",
            )
            messages.success(request, f"规则已保存，后台重新分类中（记录#{run.pk}）")
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("ingest:rules")
    return render(
        request,
        "ingest/rules.html",
        {"rules": cs.rule_list(user=request.user), "runs": cs.reclassify_runs(user=request.user)},
    )
