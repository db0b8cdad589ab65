"""Writes of 用户管理 (the 系统管理员's account management, no Django admin needed): create an account,
change its role, districts and unit, disable or enable it, reset its password, and create district
office accounts in bulk from a sheet. Every change is audited; a failed write changes nothing.

Rules: a district office (区县管理员) has at least one district; only a district office has districts;
only a 市级管理员 or 统计员 is bound to a region, and only to a province or city inside the deployment's
region (blank: the deployment region itself; a county office is a 区县管理员);
enterprise accounts are made by the enterprise itself with an invitation code, never here; nobody
disables or demotes their own account; superusers are not made here."""

from __future__ import annotations

import csv
import io
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import TEMPORARY_PASSWORD_MARK, AuditEvent, Role, User
from wenchuang.accounts.services import user_role_groups_apply
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.registry.models import District, Division
from wenchuang.registry.regions import region_within

MANAGER_ROLES = frozenset({Role.SYSTEM_ADMIN})
# Roles the 用户管理 page assigns; enterprise accounts come from the claim with an invitation code.
ASSIGNABLE_ROLES = [r for r in Role if r != Role.ENTERPRISE]
USERNAME_CHARS = set(string.ascii_letters + string.digits + "@.+-_")
SHEET_COLUMNS = ("用户名", "姓名", "区县", "单位", "电子邮箱")
SHEET_MAX_BYTES = 5 * 1024 * 1024
SHEET_MAX_ROWS = 50  # each password hash takes ~0.8 s (PBKDF2): 50 rows stay within one request


class AccountError(DomainError):
    """A user-management request that cannot be done; the message says why (Chinese)."""


def _check_manager(by: Any) -> None:
    if getattr(by, "role", None) not in MANAGER_ROLES:
        raise ForbiddenError("只有系统管理员可以管理账号")


def temporary_password() -> str:
    """16 characters from four classes, shown once to the administrator."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(14))
        pw = body[:7] + secrets.choice("!@#%*+=?") + secrets.choice("23456789") + body[7:]
        if any(c.isupper() for c in pw) and any(c.islower() for c in pw):
            return pw


def _check_role_districts(role: str, districts: list[District]) -> None:
    if role not in {r.value for r in ASSIGNABLE_ROLES}:
        if role == Role.ENTERPRISE:
            raise AccountError("企业账号由企业使用邀请码认领创建，不能在此创建")
        raise AccountError(f"未知角色“{role}”")
    if role == Role.DISTRICT_ADMIN and not districts:
        raise AccountError("区县管理员必须指定至少一个管辖区县")
    if role != Role.DISTRICT_ADMIN and districts:
        raise AccountError("只有区县管理员可以指定管辖区县")


def _check_region(role: str, region_code: str) -> str:
    region_code = region_code.strip()
    if not region_code:
        return ""
    if role not in (Role.CITY_ADMIN, Role.DATA_MANAGER):
        raise AccountError("只有市级管理员、统计员可以绑定管辖区域")
    deployment = settings.WENCHUANG_REGION_CODE
    if region_code == deployment:
        return ""  # the deployment region itself: stored as unbound, the whole region
    division = Division.objects.filter(code=region_code, valid_to__isnull=True).first()
    if division is None or not region_within(region_code, deployment):
        raise AccountError(f"管辖区域“{region_code}”不是本部署区域（{deployment}）内的现行区划")
    if division.level == Division.Level.COUNTY:
        raise AccountError("区县一级的账号请使用“区县管理员”角色并指定管辖区县")
    return region_code


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    if len(username) > 150 or not set(username) <= USERNAME_CHARS:
        raise AccountError("用户名只能包含字母、数字和 @ . + - _，最长150个字符")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"用户名“{username}”已被使用")
    return username


def _summary(user: User, districts: list[District]) -> dict[str, Any]:
    return {
        "role": user.role,
        "region_code": user.region_code,
        "districts": sorted(d.code for d in districts),
        "organisation": user.organisation,
        "is_active": user.is_active,
    }


@dataclass
class Created:
    user: User
    password: str


def user_create(
    *,
    by: Any,
    username: str,
    role: str,
    districts: list[District] | None = None,
    organisation: str = "",
    full_name: str = "",
    email: str = "",
    region_code: str = "",
) -> Created:
    """A new account with a temporary password (returned once, never stored in clear)."""
    _check_manager(by)
    districts = list(districts or [])
    username = _check_username(username)
    _check_role_districts(role, districts)
    region_code = _check_region(role, region_code)
    password = temporary_password()
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            region_code=region_code,
            organisation=organisation.strip(),
            first_name=full_name.strip()[:150],
        )
        user.email = email.strip()
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = TEMPORARY_PASSWORD_MARK  # changed by its owner at the first sign-in
        user.save()
        user.districts.set(districts)
        user_role_groups_apply(user=user)
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=by,
            obj=user,
            detail={"action": "user_create", "username": username, **_summary(user, districts)},
        )
    return Created(user, password)


def user_update(
    *,
    by: Any,
    user: User,
    role: str,
    districts: list[District],
    organisation: str = "",
    region_code: str = "",
) -> User:
    _check_manager(by)
    districts = list(districts)
    _check_role_districts(role, districts)
    region_code = _check_region(role, region_code)
    if user.pk == by.pk and role != user.role:
        raise ConflictError("不能修改自己的角色")
    if user.is_superuser and role != Role.SYSTEM_ADMIN:
        raise ConflictError("超级管理员只能是系统管理员")
    with transaction.atomic():
        before = _summary(user, list(user.districts.all()))
        user.role = role
        user.region_code = region_code
        user.organisation = organisation.strip()
        user.save()
        user.districts.set(districts)
        user_role_groups_apply(user=user)
        after = _summary(user, districts)
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=by,
            obj=user,
            detail={"action": "user_update", "before": before, "after": after},
        )
    return user


def user_set_active(*, by: Any, user: User, active: bool) -> User:
    _check_manager(by)
    if user.pk == by.pk and not active:
        raise ConflictError("不能停用自己的账号")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active", "is_staff"])
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=by,
            obj=user,
            detail={"action": "user_enable" if active else "user_disable", "username": user.username},
        )
    return user


def user_password_reset(*, by: Any, user: User) -> str:
    """A new temporary password for the account (shown once); its two-factor devices stay."""
    _check_manager(by)
    password = temporary_password()
    with transaction.atomic():
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = TEMPORARY_PASSWORD_MARK
        user.save(update_fields=["password", "password_changed_at", "is_staff"])
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=by,
            obj=user,
            detail={"action": "user_password_reset", "username": user.username},
        )
    return password


# --- bulk: district office accounts from a sheet --------------------------------------------------


@dataclass
class SheetResult:
    created: list[Created] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _sheet_rows(name: str, content: bytes) -> list[list[str]]:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # a broken or disguised file: say so, never a 500
            raise AccountError("无法读取该 Excel 文件，请使用下载的模板（.xlsx）") from exc
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AccountError("无法识别 CSV 文件的编码，请另存为 UTF-8")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise AccountError("只支持 .xlsx 或 .csv 文件")


def district_accounts_from_sheet(*, by: Any, name: str, content: bytes) -> SheetResult:
    """Create 区县管理员 accounts, one per row (用户名, 姓名, 区县 — name or code —, 单位, 电子邮箱).
    All or nothing: any row with a problem → nothing created, every problem listed by row."""
    _check_manager(by)
    if len(content) > SHEET_MAX_BYTES:
        raise AccountError(f"文件超过{SHEET_MAX_BYTES // 1024 // 1024}MB")
    rows = _sheet_rows(name, content)
    rows = [r for r in rows if any(r)]
    result = SheetResult()
    if not rows:
        result.errors.append("文件为空")
        return result
    header = rows[0]
    index = {h: i for i, h in enumerate(header)}
    missing = [c for c in ("用户名", "区县") if c not in index]
    if missing:
        result.errors.append(f"第1行：缺少列“{'”“'.join(missing)}”（模板列：{'、'.join(SHEET_COLUMNS)}）")
        return result
    if len(rows) - 1 > SHEET_MAX_ROWS:
        result.errors.append(f"一次最多导入{SHEET_MAX_ROWS}行，本文件{len(rows) - 1}行")
        return result
    by_code = {d.code: d for d in District.objects.all()}
    by_name = {d.name: d for d in by_code.values()}
    existing = {u.lower() for u in User.objects.values_list("username", flat=True)}
    seen: dict[str, int] = {}
    plans: list[tuple[int, dict[str, Any]]] = []

    def cell(row: list[str], col: str) -> str:
        i = index.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    for n, row in enumerate(rows[1:], start=2):
        username, district_text = cell(row, "用户名"), cell(row, "区县")
        email = cell(row, "电子邮箱")
        problems = []
        if not username:
            problems.append("用户名：不能为空")
        elif not set(username) <= USERNAME_CHARS or len(username) > 150:
            problems.append(f"用户名：“{username}”只能包含字母、数字和 @ . + - _")
        elif username.lower() in existing:
            problems.append(f"用户名：“{username}”已被使用")
        elif username.lower() in seen:
            problems.append(f"用户名：“{username}”与第{seen[username.lower()]}行重复")
        district = by_code.get(district_text) or by_name.get(district_text)
        if not district_text:
            problems.append("区县：区县管理员必须填写管辖区县")
        elif district is None:
            problems.append(f"区县：“{district_text}”不是本市区县（填写区县名称或6位代码）")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"电子邮箱：“{email}”格式不正确")
        if problems:
            result.errors.extend(f"第{n}行 {p}" for p in problems)
            continue
        seen[username.lower()] = n
        plans.append(
            (
                n,
                {
                    "username": username,
                    "districts": [district],
                    "organisation": cell(row, "单位"),
                    "full_name": cell(row, "姓名"),
                    "email": email,
                },
            )
        )
    if result.errors:
        return result
    with transaction.atomic():
        for _, kwargs in plans:
            result.created.append(user_create(by=by, role=Role.DISTRICT_ADMIN, **kwargs))
        audit_record(
            event=AuditEvent.Event.IMPORT,
            user=by,
            object_type=User._meta.label,
            detail={"action": "user_bulk_create", "file": name[:200], "created": len(result.created)},
        )
    return result


def sheet_template() -> bytes:
    """The bulk-creation template (xlsx), every column text so codes keep their leading digits."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "区县账号"
    ws.append(list(SHEET_COLUMNS))
    ws.append(["xihu_wcb", "张三", "西湖区", "西湖区文创办", "xihu@example.gov.cn"])
    for col in "ABCDE":
        ws.column_dimensions[col].width = 22
        for c in ws[col]:
            c.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
