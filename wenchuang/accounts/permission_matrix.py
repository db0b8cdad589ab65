"""The declared permission matrix: URL × role × method → outcome.

Every URL pattern of the project (web, API, Django admin) must be matched by a rule here; the walking
test (accounts/tests/test_permission_matrix.py) requests every pattern as every actor and compares the
answer with this table (signed-in non-staff actors get a sample of the admin's gated pages, one per kind
of admin view, since the admin site's gate refuses them before any page runs). A new page without a
rule fails that test the day it is added.

Outcomes
- ALLOW:  served (2xx, a redirect that is not to the login page, 404 for a missing admin object).
- SCOPED: served for objects in the actor's scope; 403 for objects elsewhere *and* for objects that do
          not exist, with the same body (the walker checks both with `scope_kwargs`).
- DENY:   403, audited.
- LOGIN:  redirect to the login page, audited (anonymous users).
- CHALLENGE: 401 with a `WWW-Authenticate` header and a JSON body, audited (API callers without a
          session or token).
- METHOD: 405, the method is not offered.
- HANDOVER: a redirect to the login page that is not a denial (the admin's login hands over to ours).
- STAFF:  Django admin pages for a 2FA-verified administrator: ALLOW or DENY by the model permissions of
          the role's group (accounts.services.ADMIN_SITE_PERMISSIONS), never LOGIN.

Rules match a URL name ("accounts:login") or, for groups such as the admin, a route prefix
("route:admin/"); the exact name wins over the longest prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Annotated one by one: the app rule modules import these while this module is still loading (cycle).
ALLOW: str = "allow"
SCOPED: str = "scoped"
DENY: str = "deny"
LOGIN: str = "login"
CHALLENGE: str = "challenge"
METHOD: str = "method"
STAFF: str = "staff"
HANDOVER: str = "handover"

ANONYMOUS = "anonymous"
ACTORS = (
    ANONYMOUS,
    "city_admin",
    "district_admin",
    "data_manager",
    "enterprise_user",
    "finance_user",
    "system_admin",
    "security_admin",
    "audit_admin",
    "superuser",
)
SIGNED_IN = tuple(a for a in ACTORS if a != ANONYMOUS)
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    match: str
    access: dict[str, dict[str, str]]
    # Sample URL kwargs; "scope" names a scope fixture the walker resolves (in scope / elsewhere / missing).
    kwargs: dict[str, Any] = field(default_factory=dict)
    sample_path: str = ""  # for unnamed patterns (e.g. the admin catch-all)
    note: str = ""


def grant(
    default: str | dict[str, str] = DENY, anonymous: str | dict[str, str] = LOGIN, **per_actor: Any
) -> dict[str, dict[str, str]]:
    """Build an access map: every signed-in actor gets `default` unless named; anonymous gets `anonymous`.
    A value may be one outcome for every method or a {method: outcome} dict."""

    def expand(v: str | dict[str, str]) -> dict[str, str]:
        return {m: v for m in METHODS} if isinstance(v, str) else {m: v.get(m, DENY) for m in METHODS}

    access = {actor: expand(default) for actor in SIGNED_IN}
    access[ANONYMOUS] = expand(anonymous)
    for actor, value in per_actor.items():
        assert actor in ACTORS, actor
        access[actor] = expand(value)
    return access


GET_ONLY: dict[str, str] = {"GET": ALLOW, "POST": METHOD}
LOGOUT: dict[str, str] = {"GET": METHOD, "POST": HANDOVER}
ADMINS = ("system_admin", "security_admin", "audit_admin", "superuser")
POST_ONLY: dict[str, str] = {"GET": METHOD, "POST": ALLOW}

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


# Apps declare the rules of their own pages beside their URLs (e.g. wenchuang/ingest/permissions.py);
# they join the one matrix here, after the names they import from this module exist.
from wenchuang.ingest.permissions import RULES as _INGEST_RULES  # noqa: E402

RULES += _INGEST_RULES
from wenchuang.stats.permissions import ADMIN_RULES as _STATS_ADMIN_RULES  # noqa: E402
from wenchuang.stats.permissions import RULES as _STATS_RULES  # noqa: E402

RULES += _STATS_RULES + _STATS_ADMIN_RULES
from wenchuang.reports.permissions import RULES as _REPORTS_RULES  # noqa: E402

RULES += _REPORTS_RULES
from wenchuang.api.permissions import RULES as _API_RULES  # noqa: E402

RULES += _API_RULES
from wenchuang.web.permissions import RULES as _WEB_RULES  # noqa: E402

RULES += _WEB_RULES


def rule_for(name: str | None, route: str) -> Rule | None:
    if name:
        for rule in RULES:
            if rule.match == name:
                return rule
    best: Rule | None = None
    for rule in RULES:
        if rule.match.startswith("route:"):
            prefix = rule.match.removeprefix("route:")
            if route.startswith(prefix) and (best is None or len(prefix) > len(best.match) - len("route:")):
                best = rule
    return best
