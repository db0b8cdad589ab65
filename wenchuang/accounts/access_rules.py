"""Access rules for sign-in, the enterprise claim, invitations, the audit log and the Django admin."""

from __future__ import annotations

from wenchuang.core.access import (
    ADMINS,
    ALLOW,
    DENY,
    GET_ONLY,
    HANDOVER,
    LOGOUT,
    METHOD,
    POST_ONLY,
    SCOPED,
    STAFF,
    Rule,
    grant,
)

_MANAGERS = ("system_admin", "superuser")

RULES: list[Rule] = [
    # --- public pages ---------------------------------------------------------------------------------
    Rule("web:home", grant(ALLOW, ALLOW), note="首页：公开的规划指标"),
    Rule("set_language", grant(ALLOW, ALLOW), note="界面语言切换"),
    # --- accounts -------------------------------------------------------------------------------------
    Rule("accounts:login", grant(ALLOW, ALLOW)),
    Rule("accounts:logout", grant(LOGOUT, LOGOUT), note="退出后回到登录页"),
    Rule("accounts:otp_verify", grant(ALLOW)),
    Rule("accounts:otp_setup", grant(ALLOW)),
    Rule("accounts:password_change", grant(ALLOW)),
    Rule("accounts:claim", grant(ALLOW, ALLOW), note="企业以统一社会信用代码 + 邀请码认领"),
    Rule(
        "accounts:invitation_new",
        grant(DENY, city_admin=SCOPED, district_admin=SCOPED),
        kwargs={"uscc": "scope:enterprise.uscc"},
    ),
    # --- 用户管理 (系统管理员; superuser is a 系统管理员 too) and the invitation-code list ---------------
    Rule("accounts:user_list", grant(DENY, **dict.fromkeys(_MANAGERS, GET_ONLY)), note="用户管理"),
    Rule("accounts:user_new", grant(DENY, **dict.fromkeys(_MANAGERS, ALLOW)), note="新建账号"),
    Rule("accounts:user_import", grant(DENY, **dict.fromkeys(_MANAGERS, ALLOW)), note="批量创建区县账号"),
    Rule("accounts:user_import_template", grant(DENY, **dict.fromkeys(_MANAGERS, GET_ONLY))),
    Rule(
        "accounts:user_edit",
        grant(DENY, **dict.fromkeys(_MANAGERS, ALLOW)),
        kwargs={"pk": 999999},
        note="修改角色、区县、单位（不存在时404）",
    ),
    Rule("accounts:user_active", grant(DENY, **dict.fromkeys(_MANAGERS, POST_ONLY)), kwargs={"pk": 999999}),
    Rule(
        "accounts:user_password_reset",
        grant(DENY, **dict.fromkeys(_MANAGERS, POST_ONLY)),
        kwargs={"pk": 999999},
    ),
    Rule(
        "accounts:invitation_list",
        grant(DENY, city_admin=ALLOW, district_admin=ALLOW, system_admin=ALLOW, superuser=ALLOW),
        note="邀请码：签发与列表（区县管理员仅所辖区县企业）",
    ),
    Rule(
        "accounts:audit_list",
        grant(DENY, audit_admin={"GET": ALLOW, "POST": METHOD}),
        note="审计管理员：只读",
    ),
    Rule("accounts:audit_export", grant(DENY, audit_admin={"GET": ALLOW, "POST": METHOD})),
    # --- Django admin ---------------------------------------------------------------------------------
    # Only the separated administrators are staff; what each may open follows its group's permissions.
    Rule(
        "route:admin/",
        grant(DENY, system_admin=STAFF, security_admin=STAFF, audit_admin=STAFF, superuser=STAFF),
        kwargs={
            "app_label": "accounts",
            "object_id": "999999",
            "content_type_id": 999999,
            "history_id": 999999,
            "pk": 999999,
            "id": "999999",
        },
        sample_path="/admin/no-such-page/",
    ),
    Rule(
        "admin:index",
        grant(DENY, system_admin=ALLOW, security_admin=ALLOW, audit_admin=ALLOW, superuser=ALLOW),
    ),
    # TOTP secrets are never shown in the admin (OTP_ADMIN_HIDE_SENSITIVE_DATA), not even to a superuser.
    Rule("admin:otp_totp_totpdevice_config", grant(DENY), kwargs={"pk": 999999}),
    Rule("admin:otp_totp_totpdevice_qrcode", grant(DENY), kwargs={"pk": 999999}),
    # The admin's own login page hands over to accounts:login for everyone.
    Rule("admin:login", grant(HANDOVER, HANDOVER)),
    Rule("admin:logout", grant(DENY, **dict.fromkeys(ADMINS, POST_ONLY))),
    Rule("admin:password_change_done", grant(DENY, **dict.fromkeys(ADMINS, GET_ONLY))),
    Rule("admin:jsi18n", grant(DENY, **dict.fromkeys(ADMINS, GET_ONLY))),
    # Without its query parameters the autocomplete endpoint refuses everyone.
    Rule("admin:autocomplete", grant(DENY, **{key: {"GET": DENY, "POST": METHOD} for key in ADMINS})),
    # The audit log in the admin: read-only for the superuser and the 审计管理员; nobody adds, changes or
    # deletes a row, superuser included.
    Rule(
        "admin:accounts_auditevent_changelist",
        grant(DENY, audit_admin={"GET": ALLOW, "POST": STAFF}),
    ),
    Rule(
        "admin:accounts_auditevent_change",
        grant(DENY, audit_admin={"GET": ALLOW, "POST": DENY}),
        kwargs={"object_id": "999999"},
    ),
    Rule(
        "admin:accounts_auditevent_history",
        grant(DENY, **dict.fromkeys(ADMINS, STAFF)),
        kwargs={"object_id": "999999"},
    ),
    Rule("admin:accounts_auditevent_add", grant(DENY)),
    Rule("admin:accounts_auditevent_delete", grant(DENY), kwargs={"object_id": "999999"}),
]
