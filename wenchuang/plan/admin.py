"""Admin for plan data. The plan file is the source of truth: an edit made here is overwritten by
the next `wenchuang plan load` of that file, so lasting corrections belong in the file."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenchuang.plan.models import (
    Commitment,
    Indicator,
    IndustryFocus,
    Plan,
    PlanFact,
    Programme,
    SpatialUnit,
    SpatialUnitDistrict,
    SpatialUnitPlatform,
    SpatialUnitTarget,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "category",
        "seq",
        "code",
        "name",
        "unit",
        "base_year",
        "base_value",
        "target_year",
        "target_op",
    ]
    fields += ["target_value"]
    ordering = ["category", "seq"]
    show_change_link = True


class PlanFactInline(admin.TabularInline):
    model = PlanFact
    extra = 0
    fields = ["seq", "code", "name", "year", "qualifier", "value", "unit"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "region_code",
        "region_level",
        "start_year",
        "end_year",
        "base_year",
        "loaded_at",
    ]
    search_fields = ["code", "name", "source_title"]
    list_filter = ["region_level", "start_year"]
    readonly_fields = ["file_name", "file_sha256", "source_sha256", "loaded_at"]
    inlines = [IndicatorInline, PlanFactInline]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "category", "seq", "name", "unit", "base_year", "base_value", "target_year"]
    list_display += ["target_op", "target_value"]
    list_display_links = ["name"]
    list_filter = ["plan", "category", "direction", "target_op"]
    search_fields = ["code", "name", "notes"]
    list_select_related = ["plan"]
    ordering = ["plan", "category", "seq"]


class SpatialUnitDistrictInline(admin.TabularInline):
    model = SpatialUnitDistrict
    extra = 0
    autocomplete_fields = ["district"]


class SpatialUnitPlatformInline(admin.TabularInline):
    model = SpatialUnitPlatform
    extra = 0
    fields = ["seq", "platform"]
    autocomplete_fields = ["platform"]
    ordering = ["seq"]


class SpatialUnitTargetInline(admin.TabularInline):
    model = SpatialUnitTarget
    extra = 0
    fields = ["measure", "year", "op", "value", "unit", "quote"]


@admin.register(SpatialUnit)
class SpatialUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "seq", "plan", "district_names", "platform_count"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "name", "description", "platforms__name"]
    list_select_related = ["plan"]
    ordering = ["plan", "kind", "seq"]
    inlines = [SpatialUnitDistrictInline, SpatialUnitPlatformInline, SpatialUnitTargetInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SpatialUnit]:
        return super().get_queryset(request).prefetch_related("districts", "platform_links")

    @admin.display(description=_("成员区县"))
    def district_names(self, obj: SpatialUnit) -> str:
        return "、".join(d.name for d in obj.districts.all())

    @admin.display(description=_("重点平台数"))
    def platform_count(self, obj: SpatialUnit) -> int:
        return len(obj.platform_links.all())


@admin.register(SpatialUnitTarget)
class SpatialUnitTargetAdmin(SimpleHistoryAdmin):
    list_display = ["spatial_unit", "measure", "year", "op", "value", "unit"]
    list_filter = ["spatial_unit__plan", "measure", "year"]
    search_fields = ["spatial_unit__name", "quote"]
    list_select_related = ["spatial_unit"]


@admin.register(SpatialUnitDistrict)
class SpatialUnitDistrictAdmin(SimpleHistoryAdmin):
    list_display = ["spatial_unit", "district"]
    list_filter = ["spatial_unit__plan", "spatial_unit__kind", "district"]
    search_fields = ["spatial_unit__name", "district__name", "district__code"]
    list_select_related = ["spatial_unit", "district"]


@admin.register(SpatialUnitPlatform)
class SpatialUnitPlatformAdmin(SimpleHistoryAdmin):
    list_display = ["spatial_unit", "seq", "platform"]
    list_filter = ["spatial_unit__plan", "spatial_unit__kind", "platform__kind", "platform__level"]
    search_fields = ["spatial_unit__name", "platform__name"]
    list_select_related = ["spatial_unit", "platform"]
    ordering = ["spatial_unit", "seq"]


@admin.register(IndustryFocus)
class IndustryFocusAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "seq", "plan", "culture_codes"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "name", "description"]
    list_select_related = ["plan"]
    ordering = ["plan", "kind", "seq"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0
    fields = [("seq", "code"), "text", ("metric", "target_op", "target_value", "unit"), "deadline_year"]
    fields += ["responsible"]
    ordering = ["seq"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["seq", "name", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["code", "name", "commitments__text"]
    list_select_related = ["plan"]
    ordering = ["plan", "seq"]
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "programme",
        "seq",
        "text",
        "metric",
        "target_op",
        "target_value",
        "unit",
        "deadline_year",
    ]
    list_filter = ["programme__plan", "programme", "deadline_year"]
    search_fields = ["code", "text", "metric"]
    list_select_related = ["programme"]
    ordering = ["programme__plan", "programme__seq", "seq"]


@admin.register(PlanFact)
class PlanFactAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "seq", "name", "year", "qualifier", "value", "unit", "spatial_unit"]
    list_filter = ["plan", "year", "unit"]
    search_fields = ["code", "name", "quote"]
    list_select_related = ["plan", "spatial_unit"]
    ordering = ["plan", "seq"]
