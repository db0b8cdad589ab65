from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from wenchuang.accounts.models import AuditEvent, InvitationCode, Role, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "role", "organisation", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active", "districts")
    search_fields = ("username", "first_name", "last_name", "email", "organisation")
    filter_horizontal = ("districts", "groups", "user_permissions")
    raw_id_fields = ("enterprise",)
    readonly_fields = ("last_login", "date_joined", "password_changed_at", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email", "organisation")}),
        ("角色与数据范围", {"fields": ("role", "region_code", "districts", "enterprise")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser", "password_changed_at")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "username", "role", "ip", "event", "object_type", "object_id", "outcome")
    list_filter = ("event", "outcome", "role")
    search_fields = ("username", "object_id", "request_id", "path")
    date_hierarchy = "created_at"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # 三员分立: only the 审计管理员 reads the log — not the system administrator, even as superuser.
        return getattr(request.user, "role", None) == Role.AUDIT_ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(InvitationCode)
class InvitationCodeAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "issued_by", "issued_at", "expires_at", "used_at", "used_by")
    exclude = ("code_hash",)
