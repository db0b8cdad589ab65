"""Data administration of the finance service: institutions and the binding of 金融机构 accounts to them
(the system administrator's user management), events; the ledger is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wenchuang.finance.models import (
    CreditFact,
    EventParticipant,
    FinanceProduct,
    Institution,
    InstitutionMember,
    MatchmakingEvent,
    PoolEntry,
    ScorecardVersion,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name"]


@admin.register(InstitutionMember)
class InstitutionMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "institution"]
    list_select_related = ["user", "institution"]
    autocomplete_fields = ["institution"]
    raw_id_fields = ["user"]


@admin.register(CreditFact)
class CreditFactAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "tax_credit_grade", "penalties", "source"]
    list_filter = ["year", "tax_credit_grade", "is_demo"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise"]


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "published_on", "is_current"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published table is never edited: publish a new version


@admin.register(FinanceProduct)
class FinanceProductAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "kind", "rate_min", "rate_max", "is_active"]
    list_filter = ["kind", "is_active", "institution"]
    list_select_related = ["institution"]


class ParticipantInline(admin.TabularInline):
    model = EventParticipant
    raw_id_fields = ["enterprise"]
    extra = 1


@admin.register(MatchmakingEvent)
class MatchmakingEventAdmin(admin.ModelAdmin):
    list_display = ["title", "held_on", "place", "organiser"]
    inlines = [ParticipantInline]


@admin.register(PoolEntry)
class PoolEntryAdmin(admin.ModelAdmin):
    list_display = ["posted_on", "kind", "debit", "credit", "amount", "institution", "loan", "memo"]
    list_filter = ["kind", "year", "institution"]
    list_select_related = ["institution", "loan"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
