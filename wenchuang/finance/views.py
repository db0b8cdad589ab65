"""金融服务 pages (金融敲门). Thin: parse input, call one selector or service, render. A refused request
(a DomainError) comes back as a message on the page; an out-of-scope object as 403 (ObjectNotAccessible),
the same for one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from wenchuang.accounts.decorators import role_required
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.finance import eligibility, scorecard, selectors, services
from wenchuang.finance.models import DemandResponse, FinanceProduct, PoolLoan
from wenchuang.registry.selectors import enterprise_get_for_user

ENTERPRISE = ("enterprise",)
FINANCE = ("finance",)
OFFICES = ("city_admin", "district_admin")
SERVICE_ROLES = ("city_admin", "district_admin", "enterprise", "finance")
POOL_ROLES = ("city_admin", "finance")


def _attempt(request: HttpRequest, action: Callable[[], Any], ok: str, back: str) -> HttpResponse:
    """Run a service; its refusal becomes a message (a ForbiddenError a 403) and we go back."""
    try:
        action()
        messages.success(request, ok)
    except ForbiddenError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


def _parse_date(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise services.FinanceError(f"日期格式应为YYYY-MM-DD，当前为“{value}”") from exc


@role_required(*SERVICE_ROLES)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    context: dict[str, Any] = {"report": selectors.demand_report(user=request.user)}
    if scope.role == "enterprise":
        return redirect("finance:my_score")
    if scope.role == "finance":
        context["institution"] = selectors.institution_for_user(request.user)
    context["demands"] = selectors.demand_list_for_user(user=request.user)[:10]
    context["pool"] = selectors.pool_summary(user=request.user) if scope.role in POOL_ROLES else None
    return render(request, "finance/home.html", context)


@require_GET
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """The published points table, for everyone (PIPL Art. 24: the method is public)."""
    version = selectors.scorecard_current()
    attributes = [
        {
            "label": a["label"],
            "max": scorecard.max_points(a),
            "bands": [(scorecard.band_label(b, a.get("unit", "")), b["points"]) for b in a["bands"]],
        }
        for a in version.table["attributes"]
    ]
    return render(
        request,
        "finance/scorecard.html",
        {"version": version, "attributes": attributes, "versions": selectors.scorecard_versions()},
    )


@role_required(*ENTERPRISE)
@require_GET
def my_score(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.enterprise_id:
        raise PermissionDenied("账户未绑定企业")
    enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=scope.enterprise_id)
    view = selectors.score_for_enterprise(user=request.user, enterprise=enterprise)
    matches = selectors.product_matches(enterprise=enterprise)
    demands = selectors.demand_list_for_user(user=request.user)[:10]
    return render(
        request,
        "finance/my_score.html",
        {"view": view, "enterprise": enterprise, "matches": matches, "demands": demands},
    )


@role_required(*OFFICES)
def scores(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if user_scope(request.user).role != "city_admin":
            raise PermissionDenied
        return _attempt(
            request,
            lambda: services.scores_compute(user=request.user),
            "信用评分已重新计算",
            "finance:scores",
        )
    version = selectors.scorecard_current()
    year = selectors.latest_fact_year()
    qs = selectors.score_list_for_user(user=request.user, year=year, version=version)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/scores.html",
        {
            "version": version,
            "year": year,
            "page": page,
            "distribution": selectors.score_distribution(year=year, version=version) if year else [],
        },
    )


@role_required(*SERVICE_ROLES)
def products(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if user_scope(request.user).role != "finance":
            raise PermissionDenied
        data: dict[str, Any] = {
            k: request.POST.get(k, "")
            for k in (
                "name",
                "kind",
                "rate_min",
                "rate_max",
                "amount_min",
                "amount_max",
                "term_months_max",
                "collateral",
                "description",
            )
        }
        data["target_majors"] = [
            m.strip() for m in request.POST.get("target_majors", "").split(",") if m.strip()
        ]
        min_score = request.POST.get("min_score", "").strip()
        min_years = request.POST.get("min_years", "").strip()
        conditions: list[dict[str, Any]] = []
        if min_score.isdigit():
            conditions.append({">=": [{"var": "credit_score"}, int(min_score)]})
        if min_years.isdigit():
            conditions.append({"<=": [{"var": "founded_on"}, {"years_ago": int(min_years)}]})
        data["eligibility"] = (
            {"and": conditions} if len(conditions) > 1 else (conditions[0] if conditions else {})
        )
        return _attempt(
            request,
            lambda: services.product_create(user=request.user, data=data),
            "产品已发布",
            "finance:products",
        )
    return render(
        request,
        "finance/products.html",
        {
            "products": [
                (p, eligibility.rule_text(p.eligibility))
                for p in selectors.product_list_for_user(user=request.user)
            ],
            "kinds": FinanceProduct.Kind.choices,
            "can_create": user_scope(request.user).role == "finance",
        },
    )


@role_required(*SERVICE_ROLES)
def demands(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    form: dict[str, Any] = {}
    if request.method == "POST":
        if scope.role != "enterprise":
            raise PermissionDenied
        form = request.POST.dict()
        ids = [int(i) for i in request.POST.getlist("institutions") if i.isdigit()]
        try:
            demand = services.demand_create(
                user=request.user,
                amount=form.get("amount", ""),
                purpose=form.get("purpose", ""),
                term_months=form.get("term_months", ""),
                collateral=form.get("collateral", ""),
                contact_name=form.get("contact_name", ""),
                contact_phone=form.get("contact_phone", ""),
                institution_ids=ids,
            )
            messages.success(request, "融资需求已发布，仅您选择的机构可见")
            return redirect("finance:demand", pk=demand.pk)
        except ForbiddenError as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
    page = Paginator(selectors.demand_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/demands.html",
        {
            "page": page,
            "report": selectors.demand_report(user=request.user),
            "institutions": selectors.institution_list() if scope.role == "enterprise" else [],
            "form": form,
        },
    )


@role_required(*SERVICE_ROLES)
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = selectors.demand_get_for_user(user=request.user, pk=pk)
    institution = selectors.institution_for_user(request.user)
    responses = selectors.demand_responses_for_user(user=request.user, demand=demand)
    own = next((r for r in responses if institution and r.institution_id == institution.pk), None)
    return render(
        request,
        "finance/demand_detail.html",
        {
            "demand": demand,
            "contact": selectors.demand_contact(user=request.user, demand=demand),
            "responses": responses,
            "shared_with": list(demand.shared_with.all())
            if user_scope(request.user).role != "finance"
            else [],
            "institution": institution,
            "own_response": own,
            "own_products": selectors.product_list_for_user(user=request.user) if institution else [],
            "is_owner": user_scope(request.user).enterprise_id == demand.enterprise_id,
            "log": selectors.demand_transitions(demand=demand),
        },
    )


@role_required(*FINANCE)
@require_POST
def demand_respond(request: HttpRequest, pk: int) -> HttpResponseBase:
    selectors.demand_get_for_user(user=request.user, pk=pk)
    p = request.POST
    kind = p.get("kind", "")
    product = p.get("product", "")
    return _attempt(
        request,
        lambda: services.demand_respond(
            user=request.user,
            demand_id=pk,
            kind=kind,
            amount=p.get("amount"),
            rate_value=p.get("rate"),
            term_months=p.get("term_months"),
            reason=p.get("reason", ""),
            product_id=int(product) if product.isdigit() else None,
        ),
        "已报价" if kind == DemandResponse.Kind.OFFER else "已答复",
        reverse("finance:demand", kwargs={"pk": pk}),
    )


@role_required(*FINANCE)
@require_POST
def demand_grant(request: HttpRequest, pk: int) -> HttpResponseBase:
    selectors.demand_get_for_user(user=request.user, pk=pk)
    p = request.POST
    return _attempt(
        request,
        lambda: services.demand_grant(
            user=request.user,
            demand_id=pk,
            amount=p.get("amount"),
            rate_value=p.get("rate"),
            register_in_pool=p.get("register_in_pool") == "on",
        ),
        "放款已登记",
        reverse("finance:demand", kwargs={"pk": pk}),
    )


@role_required(*ENTERPRISE)
@require_POST
def demand_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    selectors.demand_get_for_user(user=request.user, pk=pk)
    return _attempt(
        request,
        lambda: services.demand_close(user=request.user, demand_id=pk, reason=request.POST.get("reason", "")),
        "需求已关闭",
        reverse("finance:demand", kwargs={"pk": pk}),
    )


@role_required(*POOL_ROLES)
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    loans = selectors.loan_list_for_user(user=request.user)
    entries = selectors.entry_list_for_user(user=request.user).order_by("-posted_on", "-id")
    return render(
        request,
        "finance/pool.html",
        {
            "summary": selectors.pool_summary(user=request.user),
            "loans": loans[:100],
            "entries": entries[:100],
            "is_city": user_scope(request.user).role == "city_admin",
            "is_finance": user_scope(request.user).role == "finance",
            "today": date.today().isoformat(),
        },
    )


@role_required("city_admin")
@require_POST
def pool_contribute(request: HttpRequest) -> HttpResponseBase:
    p = request.POST
    return _attempt(
        request,
        lambda: services.pool_contribute(
            user=request.user, amount=p.get("amount"), on=_parse_date(p.get("on")), memo=p.get("memo", "")
        ),
        "资金已注入资金池",
        "finance:pool",
    )


@role_required(*FINANCE)
@require_POST
def loan_register(request: HttpRequest) -> HttpResponseBase:
    p = request.POST

    def run() -> PoolLoan:
        return services.loan_register(
            user=request.user,
            uscc=p.get("uscc", ""),
            principal=p.get("principal"),
            rate_value=p.get("rate"),
            start_on=_parse_date(p.get("start_on")),
            term_months=p.get("term_months"),
            coverage_ratio=p.get("coverage_ratio") or "0.50",
        )

    return _attempt(request, run, "贷款已登记入资金池", "finance:pool")


def _loan_action(name: str, ok: str) -> Callable[[HttpRequest, int], HttpResponseBase]:
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponseBase:
        selectors.loan_get_for_user(user=request.user, pk=pk)
        on = request.POST.get("on")
        if name == "repay":
            action: Callable[[], Any] = lambda: services.loan_repay(  # noqa: E731
                user=request.user, loan_id=pk, amount=request.POST.get("amount"), on=_parse_date(on)
            )
        elif name == "default":
            action = lambda: services.loan_default(user=request.user, loan_id=pk, on=_parse_date(on))  # noqa: E731
        else:
            action = lambda: services.loan_compensate(user=request.user, loan_id=pk, on=_parse_date(on))  # noqa: E731
        return _attempt(request, action, ok, "finance:pool")

    view.__name__ = f"loan_{name}"
    return view


loan_repay = role_required(*FINANCE)(_loan_action("repay", "还款已登记"))
loan_default = role_required(*FINANCE)(_loan_action("default", "违约已登记，待市级管理员支付补偿"))
loan_compensate = role_required("city_admin")(_loan_action("compensate", "风险补偿已支付"))


@role_required(*SERVICE_ROLES)
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    return render(
        request, "finance/events.html", {"rows": selectors.events_with_participants(user=request.user)}
    )
