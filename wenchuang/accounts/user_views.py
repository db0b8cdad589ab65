"""用户管理 for the 系统管理员 (no Django admin needed) and the invitation-code list for the offices.
Thin: a form, one service or selector, a template. Temporary passwords are shown once on the answer
page, never stored in clear and never put in a URL or a message cookie."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenchuang.accounts import user_services as us
from wenchuang.accounts.decorators import role_required
from wenchuang.accounts.models import InvitationCode, Role, User
from wenchuang.accounts.services import invitation_issue
from wenchuang.core.errors import DomainError
from wenchuang.registry.models import District, Division
from wenchuang.registry.regions import deployment_region, region_within
from wenchuang.registry.selectors import enterprise_list_for_user

ROLE_CHOICES = [(r.value, r.label) for r in us.ASSIGNABLE_ROLES]
INVITATION_ROLES = (Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN)


def region_choices() -> list[tuple[str, str]]:
    """Blank (the whole deployment region) and the provinces and cities in force below it."""
    deployment = deployment_region()
    current = Division.objects.filter(level__in=["province", "city"], valid_to__isnull=True)
    below = [
        (d.code, f"{d.name}（{d.code}）")
        for d in current.order_by("code")
        if d.code != deployment.code and region_within(d.code, deployment.code)
    ]
    return [("", f"部署区域全部（{deployment.name}）"), *below]


class _DistrictField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class AccountForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    districts = _DistrictField(
        label="管辖区县",
        queryset=District.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8, "class": "form-select"}),
        help_text="区县管理员必选（可多选）；其他角色不选",
    )
    region_code = forms.ChoiceField(
        label="管辖区域",
        required=False,
        help_text="市级管理员、统计员：留空为部署区域全部；省级部署中地市文创办选所在地级市",
    )
    organisation = forms.CharField(label="所属单位", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices()  # type: ignore[attr-defined]


class NewAccountForm(AccountForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    field_order = ["username", "full_name", "email", "role", "region_code", "districts", "organisation"]


class UserFilterForm(forms.Form):
    q = forms.CharField(label="用户名或单位", required=False)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部"), *Role.choices])
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "停用")]
    )


class SheetForm(forms.Form):
    file = forms.FileField(label="账号表（.xlsx 或 .csv）")


class InvitationForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)


def _user(pk: int) -> User:
    # The 系统管理员 manages every account; a missing one is a 404.
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404("账号不存在")
    return user


@role_required(*us.MANAGER_ROLES)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = User.objects.prefetch_related("districts").order_by("username")
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            qs = qs.filter(Q(username__icontains=f["q"]) | Q(organisation__icontains=f["q"]))
        if f["role"]:
            qs = qs.filter(role=f["role"])
        if f["active"]:
            qs = qs.filter(is_active=f["active"] == "1")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users/list.html", {"form": form, "page": page})


@role_required(*us.MANAGER_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            created = us.user_create(
                by=request.user,
                username=c["username"],
                role=c["role"],
                districts=list(c["districts"]),
                organisation=c["organisation"],
                region_code=c["region_code"],
                full_name=c["full_name"],
                email=c["email"],
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc.message if isinstance(exc, DomainError) else "；".join(exc.messages))
        else:
            return render(request, "accounts/users/password.html", {"created": [created], "action": "创建"})
    return render(request, "accounts/users/form.html", {"form": form, "title": "新建账号"})


@role_required(*us.MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    initial = {
        "role": account.role,
        "districts": list(account.districts.all()),
        "organisation": account.organisation,
        "region_code": account.region_code,
    }
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            us.user_update(
                by=request.user,
                user=account,
                role=c["role"],
                districts=list(c["districts"]),
                organisation=c["organisation"],
                region_code=c["region_code"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存账号“{account.username}”")
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/users/form.html",
        {"form": form, "title": f"修改账号：{account.username}", "account": account},
    )


@role_required(*us.MANAGER_ROLES)
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    active = request.POST.get("active") == "1"
    try:
        us.user_set_active(by=request.user, user=account, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号“{account.username}”")
    return redirect("accounts:user_list")


@role_required(*us.MANAGER_ROLES)
@never_cache
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    try:
        password = us.user_password_reset(by=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user_list")
    created = [us.Created(account, password)]
    return render(request, "accounts/users/password.html", {"created": created, "action": "重置密码"})


@role_required(*us.MANAGER_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def user_import(request: HttpRequest) -> HttpResponse:
    form = SheetForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = us.district_accounts_from_sheet(
                by=request.user, name=upload.name, content=upload.read(us.SHEET_MAX_BYTES + 1)
            )
        except DomainError as exc:
            errors = [exc.message]
        else:
            if not result.errors:
                return render(
                    request, "accounts/users/password.html", {"created": result.created, "action": "批量创建"}
                )
            errors = result.errors
    return render(
        request,
        "accounts/users/import.html",
        {"form": form, "errors": errors, "columns": us.SHEET_COLUMNS, "max_rows": us.SHEET_MAX_ROWS},
    )


@role_required(*us.MANAGER_ROLES)
@require_GET
def user_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        us.sheet_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%8C%BA%E5%8E%BF%E8%B4%A6%E5%8F%B7.xlsx"
    return response


def _invitations_for(user: Any) -> Any:
    qs = InvitationCode.objects.select_related("enterprise", "issued_by", "used_by").order_by("-issued_at")
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.CITY_ADMIN, Role.DISTRICT_ADMIN):
        return qs.filter(enterprise__in=enterprise_list_for_user(user=user))
    raise PermissionDenied


@role_required(*INVITATION_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, code = invitation_issue(issued_by=request.user, uscc=form.cleaned_data["uscc"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("uscc", "；".join(exc.messages))
        except (DomainError, Http404, PermissionDenied):
            form.add_error("uscc", "未找到该企业，或该企业不在本账号管辖范围内。")
        else:
            issued = {"enterprise": invitation.enterprise, "code": code, "expires_at": invitation.expires_at}
    page = Paginator(_invitations_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users/invitations.html",
        {"form": form, "page": page, "issued": issued, "now": timezone.now()},
    )
