"""Accounts: roles, district and enterprise bindings, invitation codes and the append-only audit log.

Roles follow the issue: business roles (city office, district office, data manager, enterprise,
financial institution) and the three separated administrators MLPS level 3 asks for (system,
security, audit). One account has exactly one role, so no account can hold two administrator roles.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenchuang.registry.models import District
from wenchuang.registry.regions import region_district_ids, region_name


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    DISTRICT_ADMIN = "district_admin", _("区县管理员")
    DATA_MANAGER = "data_manager", _("统计员")
    ENTERPRISE = "enterprise", _("企业用户")
    FINANCE = "finance", _("金融机构")
    PUBLIC = "public", _("公众（已注册）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The three separated administrators (三员分立). They get the stricter session and password rules.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Two-factor authentication is mandatory for these; every other role may enable it.
TWO_FACTOR_ROLES = ADMINISTRATOR_ROLES | {Role.CITY_ADMIN}
# Roles whose accounts may use the Django admin site.
STAFF_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


# `password_changed_at` of an account whose password was set by the 系统管理员 (用户管理): the owner must
# change it before doing anything else.
TEMPORARY_PASSWORD_MARK = datetime(1970, 1, 1, tzinfo=UTC)


class WenchuangUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ):
        # A superuser is the system administrator; it never holds the security or audit role.
        extra.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC, db_index=True
    )
    districts = models.ManyToManyField(
        "registry.District",
        verbose_name=_("管辖区县"),
        blank=True,
        related_name="officers",
        help_text=_("区县管理员可见的区县，可多选。"),
    )
    region_code = models.CharField(
        _("管辖区域"),
        max_length=6,
        blank=True,
        help_text=_(
            "市级管理员、统计员所属的本级区域（GB/T 2260 代码）；留空为部署区域全部。"
            "省级部署中，地市文创办绑定所在地级市，只见其区县。"
        ),
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    organisation = models.CharField(_("所属单位"), max_length=200, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[WenchuangUserManager] = WenchuangUserManager()  # type: ignore[assignment]

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs omits AbstractUser.Meta
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role="system_admin"),
                name="user_superuser_is_system_admin",
            ),
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=True) | models.Q(role="enterprise"),
                name="user_enterprise_only_for_enterprise_role",
            ),
            models.CheckConstraint(
                condition=models.Q(region_code="") | models.Q(role__in=["city_admin", "data_manager"]),
                name="user_region_only_for_office_roles",
            ),
        ]

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Admin-site access follows the role: only the separated administrators are staff.
        self.is_staff = self.role in STAFF_ROLES
        super().save(*args, **kwargs)

    def region_districts(self) -> models.QuerySet[District]:
        """The county-level divisions of the bound region (read by `core.scope.user_scope`)."""
        return District.objects.filter(pk__in=region_district_ids(self.region_code))

    @property
    def region_name(self) -> str:
        return region_name(self.region_code) if self.region_code else ""

    @property
    def must_change_password(self) -> bool:
        """A temporary password set by the 系统管理员 (created or reset) is changed at the next sign-in."""
        return self.password_changed_at <= TEMPORARY_PASSWORD_MARK

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMINISTRATOR_ROLES or self.is_superuser

    @property
    def requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES or self.is_superuser

    def password_expired(self, *, now: Any = None, max_age_days: int = 90) -> bool:
        if not self.is_administrator:
            return False
        now = now or timezone.now()
        return self.password_changed_at < now - timedelta(days=max_age_days)


class InvitationCode(models.Model):
    """A one-time code with which an enterprise claims its profile. Only a keyed hash is stored."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="invitations"
    )
    code_hash = models.CharField(_("邀请码摘要"), max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        User, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="issued_invitations"
    )
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        User,
        verbose_name=_("使用账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="used_invitations",
    )

    class Meta:
        verbose_name = _("企业认领邀请码")
        verbose_name_plural = _("企业认领邀请码")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.issued_at:%Y-%m-%d}"


class AuditLogError(Exception):
    """Raised on any attempt to change or delete an audit row through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogError("审计日志只能追加，不能删除")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditLogError("审计日志只能追加，不能修改")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditLogError("审计日志只能追加，不能修改")


class AuditEvent(models.Model):
    """One row of the append-only audit log (等保三级 安全审计).

    Guards: save() refuses existing rows, delete() refuses, the queryset refuses update/delete, and a
    database trigger (migration 0002) refuses UPDATE and DELETE of rows younger than the retention period.
    """

    class Event(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账户锁定")
        LOGOUT = "logout", _("退出登录")
        SESSION_TIMEOUT = "session_timeout", _("会话超时")
        OTP_VERIFIED = "otp_verified", _("双因素认证通过")
        OTP_FAILED = "otp_failed", _("双因素认证失败")
        OTP_ENROLLED = "otp_enrolled", _("绑定双因素认证")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PERMISSION_DENIED = "permission_denied", _("拒绝访问")
        DATA_CHANGE = "data_change", _("数据变更")
        IMPORT = "import", _("数据导入")
        EXPORT = "export", _("数据导出")
        UNMASKED_VIEW = "unmasked_view", _("查看未脱敏个人信息")
        INVITATION_ISSUED = "invitation_issued", _("签发认领邀请码")
        ENTERPRISE_CLAIM = "enterprise_claim", _("企业认领")
        BACKUP = "backup", _("数据备份")
        RESTORE = "restore", _("数据恢复")
        RATE_LIMITED = "rate_limited", _("请求频率超限")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    # No foreign key: deleting or renaming an account must never touch its audit trail.
    user_id = models.BigIntegerField(_("用户ID"), null=True, blank=True, db_index=True, editable=False)
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True, editable=False)
    role = models.CharField(_("角色"), max_length=20, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True, editable=False)
    event = models.CharField(_("事件"), max_length=24, choices=Event.choices, db_index=True, editable=False)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("对象标识"), max_length=100, blank=True, editable=False)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, editable=False)
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True, db_index=True, editable=False)
    method = models.CharField(_("请求方法"), max_length=10, blank=True, editable=False)
    path = models.CharField(_("请求路径"), max_length=500, blank=True, editable=False)
    detail = models.JSONField(_("详情"), default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.event} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogError("审计日志只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogError("审计日志只能追加，不能删除")


class PasswordHistory(models.Model):
    """Hashes of an account's recent passwords (accounts.validators.PasswordHistoryValidator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"PasswordHistory #{self.pk}"
