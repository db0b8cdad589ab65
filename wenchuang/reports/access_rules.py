"""Permission-matrix rules for the report centre (collected by accounts.permission_matrix).
The city office, district offices (their districts only) and the 统计员 generate reports; everyone else
is denied; anonymous users go to the login page. A missing or out-of-scope report is a 404."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, POST_ONLY, Rule, grant

_ROLES = ("city_admin", "district_admin", "data_manager")
_BOTH = dict.fromkeys(_ROLES, ALLOW)
_GET = dict.fromkeys(_ROLES, GET_ONLY)
_EDITORS = ("city_admin", "district_admin")

RULES: list[Rule] = [
    Rule("reports:home", grant(DENY, **_BOTH), note="报告中心：申请生成、历史记录"),
    Rule("reports:detail", grant(DENY, **_GET), kwargs={"pk": 999999}, note="报告状态（不存在时404）"),
    Rule("reports:progress", grant(DENY, **_GET), kwargs={"pk": 999999}, note="HTMX轮询进度"),
    Rule("reports:download", grant(DENY, **_GET), kwargs={"pk": 999999}, note="重新下载"),
    Rule(
        "reports:version_new",
        grant(DENY, **dict.fromkeys(_EDITORS, POST_ONLY)),
        note="起草终期评估文稿（按最新数据生成可编辑章节）",
    ),
    Rule(
        "reports:version",
        grant(DENY, city_admin=ALLOW, district_admin=ALLOW, data_manager={"GET": ALLOW, "POST": DENY}),
        kwargs={"pk": 999999},
        note="文稿：编辑章节（草稿）、查看（统计员只读）；不存在时404",
    ),
    Rule(
        "reports:version_transition",
        grant(DENY, **dict.fromkeys(_EDITORS, POST_ONLY)),
        kwargs={"pk": 999999, "name": "submit"},
        note="草稿 → 审核 → 定稿；定稿仅市级管理员",
    ),
    Rule(
        "reports:version_generate",
        grant(DENY, **dict.fromkeys(_ROLES, POST_ONLY)),
        kwargs={"pk": 999999},
        note="按文稿生成 DOCX/PDF",
    ),
]
