"""Policy pages: list and 申兑指南, calculator and search (no login), 我的企业 (一企一档), online 申兑,
review queue, 免申即享 lists and rounds, rule builder, effect analysis. Thin: parse, call, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.core.errors import DomainError
from wenchuang.core.exports import neutralise_row
from wenchuang.core.scope import CITY_ADMIN, DATA_MANAGER, DISTRICT_ADMIN, ENTERPRISE, user_scope
from wenchuang.policy import selectors, services
from wenchuang.policy.forms import (
    ConditionFormSet,
    CorrectionForm,
    CorrectionReviewForm,
    FactsForm,
    PayForm,
    RateForm,
    ReviewForm,
    RuleHeadForm,
    TestCaseForm,
    build_rule,
    facts_json,
    rows_from_rule,
)
from wenchuang.policy.models import Application, FactCorrection, Policy
from wenchuang.registry.models import District
from wenchuang.rules.logic import Tri

STAFF = (CITY_ADMIN, DISTRICT_ADMIN, DATA_MANAGER)
CITY = (CITY_ADMIN, DATA_MANAGER)


def _attempt(request: HttpRequest, fn: Callable[[], Any], ok: str = "") -> Any:
    """Run a service; a refusal becomes a message on the page (nothing was changed)."""
    try:
        result = fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    if ok:
        messages.success(request, ok)
    return result if result is not None else True


def _status_groups(matches: list[selectors.PolicyMatch]) -> dict[str, list[selectors.PolicyMatch]]:
    return {
        "qualifies": [m for m in matches if m.status is Tri.TRUE],
        "lacks": [m for m in matches if m.status is Tri.UNKNOWN],
        "not": [m for m in matches if m.status is Tri.FALSE],
    }


# --- public pages -------------------------------------------------------------------------------------


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = selectors.policy_list(on=selectors.today())
    return render(request, "policy/list.html", {"policies": policies})


@require_GET
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_get(code=code)
    scope = user_scope(request.user)
    if not policy.is_published and scope.role not in STAFF:
        raise PermissionDenied
    on = selectors.today()
    match = None
    if scope.is_enterprise and scope.enterprise_id:
        facts = selectors.enterprise_facts(enterprise_id=scope.enterprise_id, on=on)
        found = selectors.explain_policies(facts=facts, on=on, policies=[policy])
        match = found[0] if found else None
    return render(
        request,
        "policy/detail.html",
        {
            "policy": policy,
            "version": selectors.version_on(policy, on),
            "match": match,
            "is_staff": scope.role in STAFF,
            "can_edit": scope.role in CITY,
            "is_enterprise": scope.is_enterprise,
        },
    )


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """政策计算器: anyone enters a few facts; a signed-in enterprise starts from its own."""
    scope = user_scope(request.user)
    on = selectors.today()
    if request.GET.get("submitted"):
        form = FactsForm(request.GET)
    elif scope.is_enterprise and scope.enterprise_id:
        own = selectors.enterprise_facts(enterprise_id=scope.enterprise_id, on=on)
        form = FactsForm(initial=FactsForm.initial_from(own))
    else:
        form = FactsForm()
    groups = None
    if form.is_bound and form.is_valid():
        groups = _status_groups(selectors.explain_policies(facts=form.facts(), on=on))
    return render(request, "policy/calculator.html", {"form": form, "groups": groups})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    scope = user_scope(request.user)
    filters = {k: request.GET.get(k, "")[:60] for k in ("issuer", "region", "industry", "benefit_type")}
    hits = (
        selectors.clause_search(
            query=q,
            enterprise_id=scope.enterprise_id if scope.is_enterprise else None,
            issuer=filters["issuer"],
            region=filters["region"],
            industry=filters["industry"],
            benefit_type=filters["benefit_type"],
        )
        if q
        else []
    )
    return render(
        request,
        "policy/search.html",
        {
            "q": q,
            "hits": hits,
            "filters": filters,
            "issuers": sorted(set(Policy.objects.filter(is_published=True).values_list("issuer", flat=True))),
            "districts": District.objects.order_by("code"),
            "benefit_types": Policy.BenefitType.choices,
            "searched": bool(q),
        },
    )


# --- 我的企业 -------------------------------------------------------------------------------------------


@role_required(ENTERPRISE)
def my_enterprise(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.enterprise_id:
        messages.info(request, "请先认领企业")
        return redirect("accounts:claim")
    on = selectors.today()
    from wenchuang.registry.models import Enterprise

    enterprise = Enterprise.objects.select_related("district", "culture_category", "platform").get(
        pk=scope.enterprise_id
    )
    rows = selectors.enterprise_fact_rows(enterprise_id=enterprise.pk, on=on)
    facts = {r.key: r.value for r in rows}
    matches = selectors.explain_policies(facts=facts, on=on)
    return render(
        request,
        "policy/my.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "tags": selectors.enterprise_tags(facts),
            "groups": _status_groups(matches),
            "notices": selectors.notices_for(enterprise_id=enterprise.pk)[:20],
            "applications": selectors.application_list_for_user(user=request.user)[:20],
            "corrections": selectors.correction_list_for_user(user=request.user)[:20],
            "form": CorrectionForm(policies=[(m.policy.code, m.policy.title) for m in matches]),
        },
    )


@role_required(ENTERPRISE)
@require_POST
def correction_new(request: HttpRequest) -> HttpResponse:
    on = selectors.today()
    policies = [(p.code, p.title) for p in selectors.policy_list(on=on)]
    form = CorrectionForm(request.POST, request.FILES, policies=policies)
    if not form.is_valid():
        messages.error(
            request, "请检查填写内容：" + "；".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect("policy:my")
    d = form.cleaned_data
    policy = Policy.objects.filter(code=d["policy"]).first() if d["policy"] else None
    _attempt(
        request,
        lambda: services.correction_submit(
            user=request.user,
            kind=d["kind"],
            fact=d["fact"],
            claimed_value=d["claimed_value"],
            message=d["message"],
            policy=policy,
            evidence=d["evidence"],
        ),
        ok="已提交，工作人员审核后将通知您",
    )
    return redirect("policy:my")


# --- online 申兑 ---------------------------------------------------------------------------------------


@role_required(ENTERPRISE)
@require_POST
def apply(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_get(code=code)
    app = _attempt(request, lambda: services.application_create(policy=policy, user=request.user))
    if isinstance(app, Application):
        return redirect("policy:application", pk=app.pk)
    return redirect("policy:detail", code=code)


@role_required(ENTERPRISE, DISTRICT_ADMIN, CITY_ADMIN, DATA_MANAGER)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    role = user_scope(request.user).role
    if request.method == "POST" and role == DATA_MANAGER:
        raise PermissionDenied
    app = selectors.application_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        _application_action(request, app, role)
        return redirect("policy:application", pk=app.pk)
    from django_fsm_log.models import StateLog

    log = StateLog.objects.for_(app).select_related("by").order_by("timestamp")
    return render(
        request,
        "policy/application.html",
        {
            "app": app,
            "clock": services.clock(app),
            "missing": services.missing_attachments(app),
            "log": log,
            "role": role,
            "review_form": ReviewForm(),
            "pay_form": PayForm(initial={"paid_on": selectors.today(), "amount": app.amount_approved}),
            "rate_form": RateForm(),
        },
    )


def _application_action(request: HttpRequest, app: Application, role: str | None) -> None:
    action = request.POST.get("do", "")
    user = request.user
    if role == ENTERPRISE and action == "upload":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择文件")
            return
        kind = request.POST.get("kind", "")
        _attempt(
            request,
            lambda: services.attachment_add(application=app, kind=kind, upload=upload, user=user),
            ok=f"已上传：{kind}",
        )
    elif role == ENTERPRISE and action == "submit":
        _attempt(request, lambda: services.application_submit(application=app, user=user), ok="已提交")
    elif role == ENTERPRISE and action == "rate":
        rate = RateForm(request.POST)
        if rate.is_valid():
            d = rate.cleaned_data
            _attempt(
                request,
                lambda: services.application_rate(
                    application=app, user=user, rating=d["rating"], comment=d["comment"]
                ),
                ok="感谢您的评价",
            )
    elif role in (DISTRICT_ADMIN, CITY_ADMIN) and action == "review":
        review = ReviewForm(request.POST)
        if review.is_valid():
            d = review.cleaned_data
            _attempt(
                request,
                lambda: services.application_review(
                    application=app, user=user, action=d["action"], reason=d["reason"]
                ),
                ok="已记录审核意见",
            )
        else:
            messages.error(request, "请选择审核意见")
    elif role == CITY_ADMIN and action == "pay":
        pay = PayForm(request.POST)
        if pay.is_valid():
            d = pay.cleaned_data
            _attempt(
                request,
                lambda: services.application_pay(
                    application=app,
                    user=user,
                    paid_on=d["paid_on"],
                    amount=d["amount"],
                    reference=d["reference"],
                ),
                ok="已登记兑现",
            )
        else:
            messages.error(request, "请填写兑现日期和金额")
    else:
        messages.error(request, "当前不能执行该操作")


@role_required(ENTERPRISE, DISTRICT_ADMIN, CITY_ADMIN, DATA_MANAGER)
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    from django.http import FileResponse

    from wenchuang.accounts.audit import audit_record

    att = selectors.attachment_get_for_user(user=request.user, pk=pk)
    audit_record(event="policy.attachment_downloaded", obj=att.application, detail={"attachment": att.pk})
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


@role_required(*STAFF)
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.review_queue(user=request.user))
    clocks = {a.pk: services.clock(a) for a in queue}
    return render(
        request,
        "policy/reviews.html",
        {
            "queue": [(a, clocks[a.pk]) for a in queue],
            "corrections": selectors.correction_list_for_user(user=request.user).filter(
                state=FactCorrection.State.PENDING
            ),
            "all_apps": selectors.application_list_for_user(user=request.user)[:50],
        },
    )


@role_required(*STAFF)
def correction_review(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.correction_get_for_user(user=request.user, pk=pk)
    form = CorrectionReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            done = _attempt(
                request,
                lambda: services.correction_review(
                    correction=row, user=request.user, accept=d["decision"] == "accept", answer=d["answer"]
                ),
                ok="已记录审核结果",
            )
            if done:
                return redirect("policy:reviews")
        else:
            messages.error(request, "请填写审核意见")
    return render(request, "policy/correction.html", {"row": row, "form": form})


# --- 免申即享 ------------------------------------------------------------------------------------------


@role_required(*CITY)
def exempt(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_get(code=code)
    on = selectors.today()
    if request.method == "POST":
        rnd = _attempt(request, lambda: services.round_compute(policy=policy, on=on, user=request.user))
        if rnd and not isinstance(rnd, bool):
            return redirect("policy:round", pk=rnd.pk)
        return redirect("policy:exempt", code=code)
    candidates = None
    if policy.mode == Policy.Mode.EXEMPT:
        candidates = list(selectors.exempt_candidates(user=request.user, policy=policy, on=on)[:500])
    return render(
        request,
        "policy/exempt.html",
        {
            "policy": policy,
            "candidates": candidates,
            "rounds": selectors.round_list(user=request.user, policy=policy),
        },
    )


@role_required(*CITY)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        if request.POST.get("do") == "confirm":
            _attempt(
                request,
                lambda: services.round_confirm(rnd=rnd, user=request.user),
                ok="已确认，企业已收到通知",
            )
        elif request.POST.get("do") == "pay":
            form = PayForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                _attempt(
                    request,
                    lambda: services.round_pay(
                        rnd=rnd, paid_on=d["paid_on"], reference=d["reference"], user=request.user
                    ),
                    ok="已登记兑现",
                )
            else:
                messages.error(request, "请填写兑现日期")
        else:
            messages.error(request, "未知操作")
        return redirect("policy:round", pk=rnd.pk)
    entries = rnd.entries.select_related("enterprise", "enterprise__district", "payment")
    return render(
        request,
        "policy/round.html",
        {"rnd": rnd, "entries": entries, "pay_form": PayForm(initial={"paid_on": selectors.today()})},
    )


# --- rule builder -------------------------------------------------------------------------------------


@role_required(*CITY)
def rule_builder(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_get(code=code)
    on = selectors.today()
    current = selectors.version_on(policy, on) or policy.versions.last()
    saved = None
    results = None
    case_form = TestCaseForm(prefix="case")
    if request.method == "POST" and request.POST.get("do") == "add_case":
        case_form = TestCaseForm(request.POST, prefix="case")
        if case_form.is_valid():
            d = case_form.cleaned_data
            _attempt(
                request,
                lambda: services.policy_test_case_add(
                    policy=policy,
                    name=d["name"],
                    facts=facts_json({k: v for k, v in case_form.facts().items() if v is not None}),
                    expected=d["expected"],
                    user=request.user,
                ),
                ok="已添加测试用例",
            )
            return redirect("policy:rule_builder", code=code)
    if request.method == "POST" and request.POST.get("do") != "add_case":
        head = RuleHeadForm(request.POST)
        formset = ConditionFormSet(request.POST, prefix="c")
        if head.is_valid() and formset.is_valid():
            leaves = [(f.cleaned_data.get("group") or 1, f.leaf()) for f in formset.forms]
            rule = build_rule(head.cleaned_data["combinator"], [(g, leaf) for g, leaf in leaves if leaf])
            if rule is None:
                messages.error(request, "请至少设置一个条件")
            else:
                saved = _attempt(
                    request,
                    lambda: services.policy_rule_save(
                        policy=policy,
                        rule=rule,
                        valid_from=head.cleaned_data["valid_from"],
                        note=head.cleaned_data["note"],
                        user=request.user,
                    ),
                )
                if saved and not isinstance(saved, bool):
                    results = services.run_test_cases(policy=policy, rule=rule, on=saved.valid_from)
                    messages.success(request, f"已保存第{saved.number}版，{len(results)}个测试用例全部通过")
                    policy = selectors.policy_get(code=code)
                    current = saved
        else:
            messages.error(request, "请检查填写内容")
    else:
        shape = rows_from_rule(current.rule) if current else None
        top, rows = shape if shape else ("and", [])
        head = RuleHeadForm(initial={"combinator": top, "valid_from": on})
        extra_rows = [{"group": len(rows) + i + 1} for i in range(3)]
        formset = ConditionFormSet(initial=rows + extra_rows, prefix="c")
        if current and not shape:
            messages.info(request, "当前规则结构超出表单可表达的形式，请重新设置条件")
    if results is None and current:
        results = services.run_test_cases(policy=policy, rule=current.rule, on=on)
    return render(
        request,
        "policy/rule_builder.html",
        {
            "policy": policy,
            "current": current,
            "head": head,
            "formset": formset,
            "results": results,
            "case_form": case_form,
        },
    )


# --- effect analysis ----------------------------------------------------------------------------------


@role_required(*STAFF)
@require_GET
def effect(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "policy")
    if by not in ("policy", "district", "major"):
        by = "policy"
    rows = selectors.effect_table(user=request.user, by=by)
    fmt = request.GET.get("format", "")
    header = [
        "政策",
        "兑现方式",
        "分组",
        "符合条件企业",
        "申报",
        "审核通过",
        "已兑现",
        "兑现金额（万元）",
        "兑现中位天数",
        "超期",
    ]
    table = [
        [
            r.policy.title,
            r.policy.get_mode_display(),
            r.group or "全部",
            r.qualifying,
            r.applying,
            r.approved,
            r.paid,
            r.amount,
            r.median_days if r.median_days is not None else "暂无数据",
            r.overdue,
        ]
        for r in rows
    ]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(neutralise_row(row) for row in table)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename=policy-effect-{by}.csv"
        return response
    if fmt == "xlsx":
        import io

        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "政策效益分析"
        ws.append(header)
        for row in table:
            ws.append([float(v) if hasattr(v, "as_tuple") else v for v in neutralise_row(row)])
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f"attachment; filename=policy-effect-{by}.xlsx"
        return response
    return render(request, "policy/effect.html", {"header": header, "table": table, "by": by})
