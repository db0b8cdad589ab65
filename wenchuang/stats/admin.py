"""The statistics engine in the Django admin. Computed tables are read-only (a refresh or a recompute
rewrites them; an edit here would be silently lost and would break reconciliation); official figures
and validation rules are data people maintain, with history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from wenchuang.accounts.models import User
from wenchuang.stats import services
from wenchuang.stats.models import (
    FactCell,
    IndicatorSnapshot,
    IndicatorValue,
    OfficialFigure,
    RollupYear,
    ValidationRule,
    ValidationViolation,
    ValueAddedRate,
)


class ComputedAdmin(admin.ModelAdmin):
    """View only: nobody adds, changes or deletes a computed row, superuser included."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FactCell)
class FactCellAdmin(ComputedAdmin):
    list_display = [
        "year",
        "district",
        "platform_key",
        "category_code",
        "is_above_scale",
        "is_digital",
        "n_rows",
        "revenue",
        "va_direct",
        "va_estimated",
        "refreshed_at",
    ]
    list_filter = ["year", "is_above_scale", "is_digital", "is_core"]
    search_fields = ["category_code"]
    list_select_related = ["district"]


@admin.register(ValueAddedRate)
class ValueAddedRateAdmin(ComputedAdmin):
    list_display = ["year", "category_code", "level", "basis_code", "basis_rows", "rate", "refreshed_at"]
    list_filter = ["year", "level"]
    search_fields = ["category_code"]


@admin.register(RollupYear)
class RollupYearAdmin(ComputedAdmin):
    list_display = ["year", "refreshed_at", "source_rows", "cells"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ComputedAdmin):
    list_display = [
        "plan_code",
        "spatial_unit_code",
        "indicator_code",
        "year",
        "headline_value",
        "headline_source",
        "status_label",
        "computed_at",
    ]
    list_filter = ["plan_code", "year", "headline_source", "status"]
    search_fields = ["indicator_code", "name"]


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ComputedAdmin):
    list_display = ["plan_code", "year", "spatial_unit_code", "computed_at"]
    list_filter = ["plan_code", "year"]


@admin.register(ValidationViolation)
class ValidationViolationAdmin(ComputedAdmin):
    list_display = ["rule", "enterprise", "district", "year", "left_value", "right_value", "found_at"]
    list_filter = ["year", "rule__importance", "rule"]
    search_fields = ["enterprise__uscc", "enterprise__name"]
    list_select_related = ["rule", "enterprise", "district"]
    raw_id_fields = ["enterprise", "enterprise_year"]


@admin.register(OfficialFigure)
class OfficialFigureAdmin(SimpleHistoryAdmin):
    """Entering or correcting a figure refreshes the stored indicator values it takes precedence in
    (same service as `official_figure_enter`)."""

    list_display = ["plan_code", "code", "year", "area_kind", "area_code", "value", "unit", "source_document"]
    list_filter = ["plan_code", "year", "area_kind"]
    search_fields = ["code", "source_document"]
    readonly_fields = ["entered_by", "entered_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # type: ignore[dict-item]

    def save_model(self, request: HttpRequest, obj: OfficialFigure, form: Any, change: bool) -> None:
        user = request.user
        obj.entered_by = user if isinstance(user, User) and user.pk else None
        obj.entered_at = timezone.now()
        super().save_model(request, obj, form, change)
        services.official_figure_changed(figure=obj)

    def delete_model(self, request: HttpRequest, obj: OfficialFigure) -> None:
        services.official_figure_delete(figure=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficialFigure]) -> None:
        for figure in list(queryset):
            services.official_figure_delete(figure=figure)


@admin.register(ValidationRule)
class ValidationRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "left", "operator", "right", "importance", "is_active"]
    list_filter = ["importance", "is_active", "operator"]
    search_fields = ["code", "name"]
