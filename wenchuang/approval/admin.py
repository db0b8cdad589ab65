"""The publication lock in the data administration: an enterprise-year of an approved (locked)
district-year is read-only there (change and delete refused), like the import write path."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from wenchuang.approval.selectors import is_locked
from wenchuang.registry.admin import EnterpriseYearAdmin
from wenchuang.registry.models import EnterpriseYear


class LockedEnterpriseYearAdmin(EnterpriseYearAdmin):
    def _locked(self, obj: Any) -> bool:
        return obj is not None and is_locked(district_id=obj.enterprise.district_id, year=obj.year)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._locked(obj)


if admin.site.is_registered(EnterpriseYear):
    admin.site.unregister(EnterpriseYear)
admin.site.register(EnterpriseYear, LockedEnterpriseYearAdmin)
