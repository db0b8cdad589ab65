"""企业库, 平台库, 人才库: searchable, filtered, paged lists (HTMX swaps the results) and the enterprise
profile. Every object comes through the registry's role-scoped selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wenchuang.accounts.personal_data import talent_personal_data_for_user
from wenchuang.classify.models import ClassificationDecision
from wenchuang.registry.models import Platform, Talent
from wenchuang.registry.selectors import district_list_for_user, enterprise_get_for_user
from wenchuang.web import selectors
from wenchuang.web.views.common import is_htmx, paginate, query_without_page, staff_required

YES_NO = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]
STATUS_CHOICES = [
    ("", _("不限")),
    ("code", _("按行业代码自动判定")),
    ("scope", _("按经营范围关键词判定")),
    ("review", _("人工审核确定")),
    ("needs_review", _("待审核")),
    ("unclassified", _("未分类")),
]


class _StyledForm(forms.Form):
    """Bootstrap classes on every widget (the templates render fields one by one)."""

    def style(self) -> None:
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = (
                f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            )

    def choice_field(self, name: str) -> forms.ChoiceField:
        """A declared choice field of this instance, typed as such (`self.fields` holds plain Fields)."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField), name
        return field


class EnterpriseFilterForm(_StyledForm):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("区县"), required=False)
    major = forms.ChoiceField(label=_("大类"), required=False)
    middle = forms.ChoiceField(label=_("中类"), required=False)
    above_scale = forms.ChoiceField(label=_("规模以上"), required=False, choices=YES_NO)
    digital = forms.ChoiceField(label=_("数字文化（新业态）"), required=False, choices=YES_NO)
    platform = forms.TypedChoiceField(label=_("园区（平台）"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("分类状态"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("不限"))]
        self.choice_field("district").choices = any_ + [
            (d.code, d.name) for d in district_list_for_user(user=user).order_by("code")
        ]
        self.choice_field("major").choices = any_ + [
            (c.code, f"{c.code} {c.name}") for c in selectors.culture_majors()
        ]
        self.choice_field("middle").choices = any_ + [
            (c.code, f"{c.code} {c.name}") for c in selectors.culture_middles()
        ]
        self.choice_field("platform").choices = any_ + list(
            Platform.objects.order_by("name").values_list("pk", "name")
        )
        self.style()


@staff_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    year = selectors.latest_rollup_year()
    page = paginate(request, selectors.enterprise_search(user=request.user, filters=filters, year=year))
    context = {"form": form, "page": page, "year": year, "query": query_without_page(request)}
    template = "web/_enterprise_results.html" if is_htmx(request) else "web/enterprise_list.html"
    return render(request, template, context)


@staff_required
@require_GET
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=uscc)
    with_history = selectors.history_allowed(user=request.user)
    profile = selectors.enterprise_profile(enterprise=enterprise, with_history=with_history)
    decision: ClassificationDecision | None = profile["decision"]
    context = {
        "enterprise": enterprise,
        "years": profile["years"],
        "decision": decision,
        "confidence": f"{decision.confidence:.0%}" if decision else "",
        "history": profile["history"],
        "with_history": with_history,
    }
    return render(request, "web/enterprise_detail.html", context)


class PlatformFilterForm(_StyledForm):
    q = forms.CharField(label=_("名称"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("不限")), *Platform.Kind.choices]
    )
    level = forms.ChoiceField(
        label=_("认定级别"), required=False, choices=[("", _("不限")), *Platform.Level.choices]
    )
    district = forms.ChoiceField(label=_("区县"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("district").choices = [("", _("不限"))] + [
            (d.code, d.name) for d in selectors.all_districts()
        ]
        self.style()


@require_GET
def platform_list(request: HttpRequest) -> HttpResponse:
    """Parks, bases, streets and HQ platforms are the published layout: public."""
    form = PlatformFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.platform_search(user=request.user, filters=filters))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    template = "web/_platform_results.html" if is_htmx(request) else "web/platform_list.html"
    return render(request, template, context)


class TalentFilterForm(_StyledForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    category = forms.ChoiceField(
        label=_("人才类别"), required=False, choices=[("", _("不限")), *Talent.Category.choices]
    )
    district = forms.ChoiceField(label=_("区县"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("district").choices = [("", _("不限"))] + [
            (d.code, d.name) for d in district_list_for_user(user=user).order_by("code")
        ]
        self.style()


@staff_required
@require_GET
def talent_list(request: HttpRequest) -> HttpResponse:
    """Talents with personal data masked (the unmasked view is the audited admin path, not this list)."""
    form = TalentFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.talent_search(user=request.user, filters=filters))
    rows = [
        {"talent": t, "personal": talent_personal_data_for_user(user=request.user, talent=t)} for t in page
    ]
    context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
    template = "web/_talent_results.html" if is_htmx(request) else "web/talent_list.html"
    return render(request, template, context)
