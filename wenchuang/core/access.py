"""The vocabulary of the permission matrix: outcomes, actors, `Rule` and `grant`.

It imports no app, so every app can declare the rules of its own pages in `<app>/access_rules.py`
(a module-level `RULES: list[Rule]`); `wenchuang.accounts.permission_matrix` collects them by walking
the installed app configs, the way the admin autodiscovers, and never imports an app by name.

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
