from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenchuang.core.crypto import keyed_hash
from wenchuang.core.masking import mask_id_number, mask_phone
from wenchuang.registry.models import (
    District,
    Division,
    Enterprise,
    EnterpriseYear,
    ExportItem,
    Platform,
    Talent,
)


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent_code"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "kind", "parent_code", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["level", "kind"]


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "level", "district", "recognized_year", "revoked_year", "is_demo"]
    list_filter = ["kind", "level", "district", "is_demo"]
    search_fields = ["name"]
    list_select_related = ["district"]


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0
    fields = ["year", "revenue", "total_output", "employees", "is_above_scale", "is_listed", "is_leading"]
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["uscc", "name", "gbt_code", "culture_category", "district", "status", "is_demo"]
    list_filter = ["status", "district", "culture_category__parent__parent", "is_demo"]
    search_fields = ["uscc", "name"]
    list_select_related = ["district", "culture_category"]
    autocomplete_fields = ["platform", "culture_category"]
    inlines = [EnterpriseYearInline]
    show_full_result_count = False  # COUNT(*) over millions of rows on every page is not worth it


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(SimpleHistoryAdmin):
    list_display = [
        "enterprise",
        "year",
        "revenue",
        "total_output",
        "employees",
        "is_above_scale",
        "is_listed",
    ]
    list_filter = ["year", "is_above_scale", "is_listed", "is_leading"]
    search_fields = ["enterprise__uscc", "enterprise__name"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    show_full_result_count = False


class TalentForm(forms.ModelForm):
    # Personal data never goes back to the browser: the form only accepts a replacement value.
    new_id_number = forms.CharField(label=_("身份证件号码（填写即替换）"), required=False, max_length=32)
    new_phone = forms.CharField(label=_("联系电话（填写即替换）"), required=False, max_length=32)

    class Meta:
        model = Talent
        fields = ["name", "category", "field", "district", "enterprise", "recognized_year", "is_demo"]


@admin.register(Talent)
class TalentAdmin(SimpleHistoryAdmin):
    form = TalentForm
    list_display = [
        "name",
        "category",
        "field",
        "masked_id_number",
        "masked_phone",
        "district",
        "recognized_year",
    ]
    list_filter = ["category", "district", "is_demo"]
    search_fields = ["name"]
    readonly_fields = ["masked_id_number", "masked_phone"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["district"]

    @admin.display(description=_("身份证件号码"))
    def masked_id_number(self, obj: Talent) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Talent) -> str:
        return mask_phone(obj.phone)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Talent], search_term: str) -> Any:
        # An exact ID number is found through its keyed hash; the ciphertext itself is not searchable.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= self.model.objects.filter(id_number_hash=keyed_hash(search_term))
        return queryset, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Talent, form: Any, change: bool) -> None:
        if form.cleaned_data.get("new_id_number"):
            obj.id_number = form.cleaned_data["new_id_number"].strip().upper()
            obj.id_number_hash = keyed_hash(obj.id_number)
        if form.cleaned_data.get("new_phone"):
            obj.phone = form.cleaned_data["new_phone"].strip()
        super().save_model(request, obj, form, change)


@admin.register(ExportItem)
class ExportItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "enterprise", "district", "recognized_year", "revoked_year", "is_demo"]
    list_filter = ["kind", "recognized_year", "district", "is_demo"]
    search_fields = ["name"]
    raw_id_fields = ["enterprise"]
