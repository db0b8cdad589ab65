from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenchuang.classify.models import CultureCategory, GbtIndustryMapping


class GbtMappingInline(admin.TabularInline):
    model = GbtIndustryMapping
    extra = 0
    fields = ["gbt_code", "gbt_name", "partial"]


@admin.register(CultureCategory)
class CultureCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "domain", "is_new_form", "check_badge", "parent"]
    list_filter = ["level", "domain", "is_new_form", "name_check"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["code", "level", "parent"]
    inlines = [GbtMappingInline]
    # Only names and the check status are editable: the code tree is the standard's.
    fields = ["code", "level", "parent", "name", "domain", "is_new_form", "new_form_seq", "name_check"]

    @admin.display(description=_("名称核验"), ordering="name_check")
    def check_badge(self, obj: CultureCategory) -> str:
        if obj.needs_check:
            return format_html('<strong style="color:#b35900">{}</strong>', "待核")
        return str(obj.get_name_check_display())


@admin.register(GbtIndustryMapping)
class GbtIndustryMappingAdmin(SimpleHistoryAdmin):
    list_display = ["gbt_code", "gbt_name", "partial", "category"]
    list_filter = ["partial", "category__domain", "category__parent__parent"]
    search_fields = ["gbt_code", "gbt_name", "category__code", "category__name"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
