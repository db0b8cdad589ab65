"""Permission-matrix rules for the report centre (collected by accounts.permission_matrix).
The city office, district offices (their districts only) and the 统计员 generate reports; everyone else
is denied; anonymous users go to the login page. A missing or out-of-scope report is a 404."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, Rule, grant

_ROLES = ("city_admin", "district_admin", "data_manager")
_BOTH = dict.fromkeys(_ROLES, ALLOW)
_GET = dict.fromkeys(_ROLES, GET_ONLY)

RULES: list[Rule] = [
    Rule("reports:home", grant(DENY, **_BOTH), note="报告中心：申请生成、历史记录"),
    Rule("reports:detail", grant(DENY, **_GET), kwargs={"pk": 999999}, note="报告状态（不存在时404）"),
    Rule("reports:progress", grant(DENY, **_GET), kwargs={"pk": 999999}, note="HTMX轮询进度"),
    Rule("reports:download", grant(DENY, **_GET), kwargs={"pk": 999999}, note="重新下载"),
]
