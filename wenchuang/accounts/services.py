"""Writes for accounts: invitation codes and the enterprise claim."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent, InvitationCode, Role, User
from wenchuang.core.crypto import keyed_hash
from wenchuang.core.uscc import normalise
from wenchuang.registry.models import Enterprise
from wenchuang.registry.selectors import enterprise_get_for_user

# Unambiguous alphabet (no 0/O, 1/I/L) so a code read over the phone is typed correctly.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CLAIM_ERROR = "统一社会信用代码或邀请码无效、已使用或已过期。"


def _code_hash(code: str) -> str:
    return keyed_hash("invitation:" + code.replace("-", "").strip().upper())


def invitation_issue(*, issued_by: User, uscc: str) -> tuple[InvitationCode, str]:
    """Issue a one-time code for an enterprise in the issuer's scope. Returns the row and the plain code,
    which is shown once and never stored."""
    if issued_by.role not in {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN}:
        raise PermissionDenied
    if issued_by.role == Role.SYSTEM_ADMIN:
        # The 系统管理员 manages accounts city-wide; it sees no enterprise data beyond the name.
        found = Enterprise.objects.filter(uscc=normalise(uscc)).first()
        if found is None:
            raise ValidationError("未找到该统一社会信用代码对应的企业。", code="unknown_enterprise")
        enterprise = found
    else:
        enterprise = enterprise_get_for_user(user=issued_by, uscc_or_pk=uscc)
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    now = timezone.now()
    with transaction.atomic():
        invitation = InvitationCode.objects.create(
            enterprise=enterprise,
            code_hash=_code_hash(code),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + timedelta(days=settings.WENCHUANG_INVITATION_DAYS),
        )
        audit_record(event=AuditEvent.Event.INVITATION_ISSUED, user=issued_by, obj=enterprise)
    return invitation, code


def enterprise_claim(*, uscc: str, code: str, username: str, password: str, **profile: Any) -> User:
    """Create an enterprise account bound to the enterprise the code was issued for.

    Unknown USCC, wrong code, used code and expired code all give the same error, so the form does
    not reveal which enterprises exist or hold codes.
    """
    uscc = normalise(uscc)
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            InvitationCode.objects.select_for_update()
            .select_related("enterprise")
            .filter(
                code_hash=_code_hash(code), enterprise__uscc=uscc, used_at__isnull=True, expires_at__gt=now
            )
            .first()
        )
        if invitation is not None:
            if User.objects.filter(username=username).exists():
                raise ValidationError("该用户名已被使用。", code="username_taken")
            user = User(username=username, role=Role.ENTERPRISE, enterprise=invitation.enterprise, **profile)
            validate_password(password, user)
            user.set_password(password)
            user.save()
            invitation.used_at = now
            invitation.used_by = user
            invitation.save(update_fields=["used_at", "used_by"])
            audit_record(event=AuditEvent.Event.ENTERPRISE_CLAIM, user=user, obj=invitation.enterprise)
            return user
    # Audited outside the transaction so the failed attempt is kept.
    audit_record(
        event=AuditEvent.Event.ENTERPRISE_CLAIM,
        outcome=AuditEvent.Outcome.FAILURE,
        username=username,
        object_type=Enterprise._meta.label,
        object_id=uscc,
    )
    raise ValidationError(CLAIM_ERROR, code="invalid_claim")


# Django-admin rights of the separated administrators; business roles never use the admin site.
ADMIN_SITE_PERMISSIONS: dict[str, list[str]] = {
    Role.SYSTEM_ADMIN: [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.view_invitationcode",
        "auth.view_group",
        # 金融机构 accounts are bound to their institution as part of user management.
        "finance.view_institution",
        "finance.add_institution",
        "finance.change_institution",
        "finance.view_institutionmember",
        "finance.add_institutionmember",
        "finance.change_institutionmember",
        "finance.delete_institutionmember",
    ],
    Role.SECURITY_ADMIN: [
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
    ],
    Role.AUDIT_ADMIN: ["accounts.view_auditevent"],
}


def role_groups_sync() -> dict[str, Any]:
    """Create or refresh one auth group per administrator role with exactly the rights above."""
    from django.contrib.auth.models import Group, Permission

    groups = {}
    for role, perms in ADMIN_SITE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(Role(role).label))
        wanted: list[Permission] = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def user_role_groups_apply(*, user: User) -> None:
    """Put an account in its role's group and no other administrator group (三员分立)."""
    groups = role_groups_sync()
    user.groups.remove(*groups.values())
    if user.role in groups:
        user.groups.add(groups[user.role])
