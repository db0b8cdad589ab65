"""Pages of data approval and reporting completeness. Thin: parse input, call a selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_fsm_log.models import StateLog

from wenchuang.accounts.decorators import role_required
from wenchuang.approval import selectors, services
from wenchuang.approval.models import State
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.registry.models import District, Enterprise
from wenchuang.stats.models import ValidationViolation

STAFF = ("city_admin", "district_admin", "data_manager")
ACTORS = ("city_admin", "district_admin")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        year = timezone.localdate().year - 1
    return year


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@role_required(*STAFF)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scope = user_scope(request.user)
    districts = District.objects.order_by("code")
    if not scope.city_wide:
        districts = districts.filter(pk__in=scope.district_ids or ())
    rows = {r.district_id: r for r in selectors.district_years(user=request.user).filter(year=year)}
    completeness = {c.district_id: c for c in selectors.completeness_for_user(user=request.user, year=year)}
    table = [(d, rows.get(d.pk), completeness.get(d.pk)) for d in districts]
    years = list(range(timezone.localdate().year, 2014, -1))
    return render(
        request,
        "approval/home.html",
        {"table": table, "year": year, "years": years, "total": completeness.get(None)},
    )


@role_required(*ACTORS)
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    district_id, year = _int(request.POST.get("district")), _int(request.POST.get("year"))
    if district_id is None or year is None:
        messages.error(request, "请选择区县和年度")
        return redirect("approval:home")
    try:
        services.district_year_submit(
            user=request.user, district_id=district_id, year=year, note=request.POST.get("note", "")
        )
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{year}年数据已提交市级审核")
    return redirect(f"/approval/?year={year}")


@role_required(*STAFF)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.district_year_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    violations = (
        ValidationViolation.objects.filter(district_id=row.district_id, year=row.year)
        .select_related("rule", "enterprise")
        .order_by("rule__code", "enterprise__name")[:500]
    )
    log = list(StateLog.objects.for_(row).select_related("by").order_by("timestamp"))  # type: ignore[attr-defined]
    names = dict(State.choices)
    for entry in log:
        entry.action_label = services.LABELS.get(entry.transition, entry.transition)
        entry.source_label = names.get(entry.source_state, "—")
        entry.state_label = names.get(entry.state, entry.state)
    return render(
        request,
        "approval/detail.html",
        {
            "row": row,
            "violations": violations,
            "reasons": row.reasons.select_related("enterprise", "rule"),
            "log": log,
            "State": State,
        },
    )


@role_required("city_admin")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.district_year_get(user=request.user, pk=pk)
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action == "approve":
            services.district_year_approve(user=request.user, pk=pk, note=note)
        elif action == "return":
            reasons = []
            ids = [i for i in (_int(v) for v in request.POST.getlist("violation")) if i is not None]
            checked = ValidationViolation.objects.filter(
                pk__in=ids, district_id=row.district_id, year=row.year
            )
            for v in checked.select_related("rule").order_by("pk"):
                reasons.append(
                    services.Reason(
                        reason=f"未通过校验：{v.rule.name}",
                        enterprise_id=v.enterprise_id,
                        rule_id=v.rule_id,
                    )
                )
            for line in request.POST.get("enterprise_reasons", "").splitlines():
                uscc, _, text = line.replace(":", "：").partition("：")
                ent = (
                    Enterprise.objects.filter(uscc=uscc.strip().upper()).values_list("pk", flat=True).first()
                )
                if ent is None and line.strip():
                    raise DomainError(f"“{uscc.strip()}”不是已登记企业的统一社会信用代码（格式：代码：原因）")
                if ent is not None:
                    reasons.append(
                        services.Reason(reason=text.strip() or "请核实该企业数据", enterprise_id=ent)
                    )
            services.district_year_return(user=request.user, pk=pk, reasons=reasons, note=note)
        elif action == "reopen":
            services.district_year_reopen(user=request.user, pk=pk, note=note)
        else:
            raise DomainError("请选择操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理")
    return redirect("approval:detail", pk=pk)


@role_required(*STAFF)
@require_GET
def completeness(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    table = selectors.completeness_for_user(user=request.user, year=year)
    district = _int(request.GET.get("district"))
    chosen = next((c for c in table if c.district_id == district), table[0])
    chase = Enterprise.objects.select_related("district").in_bulk(chosen.missing[:300])
    chase_list = [chase[pk] for pk in chosen.missing[:300] if pk in chase]
    years = list(range(timezone.localdate().year, 2014, -1))
    return render(
        request,
        "approval/completeness.html",
        {"table": table, "year": year, "years": years, "chosen": chosen, "chase": chase_list},
    )


@role_required(*ACTORS)
@require_POST
def reminders_send(request: HttpRequest) -> HttpResponse:
    year = _int(request.POST.get("year"))
    if year is None:
        messages.error(request, "请选择年度")
        return redirect("approval:completeness")
    try:
        n = services.reminders_send(
            user=request.user,
            year=year,
            district_id=_int(request.POST.get("district")),
            message=request.POST.get("message", ""),
        )
    except ForbiddenError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已向{n}家未报送企业发送站内提醒")
    return redirect(f"/approval/completeness/?year={year}")


@role_required("enterprise")
@require_GET
def reminders(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "approval/reminders.html",
        {"reminders": selectors.reminders_for_user(user=request.user)[:100]},
    )
