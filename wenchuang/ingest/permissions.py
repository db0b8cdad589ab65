"""Permission-matrix rules for the import and classification-review pages (spliced into
wenchuang/accounts/permission_matrix.py by the lead). Imports and the review queue are city-wide work:
the 统计员 and the city office; district offices, enterprises and everyone else are denied."""

from __future__ import annotations

from wenchuang.accounts.permission_matrix import ALLOW, DENY, GET_ONLY, POST_ONLY, Rule, grant

_BOTH = {"data_manager": ALLOW, "city_admin": ALLOW}
_GET = {"data_manager": GET_ONLY, "city_admin": GET_ONLY}
_POST = {"data_manager": POST_ONLY, "city_admin": POST_ONLY}

RULES: list[Rule] = [
    Rule("ingest:home", grant(DENY, **_BOTH), note="数据导入：上传、模板下载、批次列表"),
    Rule("ingest:template", grant(DENY, **_GET), kwargs={"kind": "registration"}),
    Rule("ingest:batch", grant(DENY, **_GET), kwargs={"pk": 999999}, note="批次结果（不存在时404）"),
    Rule("ingest:batch_progress", grant(DENY, **_GET), kwargs={"pk": 999999}, note="HTMX轮询进度"),
    Rule("ingest:batch_errors", grant(DENY, **_GET), kwargs={"pk": 999999}),
    Rule("ingest:batch_undo", grant(DENY, **_POST), kwargs={"pk": 999999}),
    Rule("ingest:review", grant(DENY, **_BOTH), note="分类审核队列"),
    Rule("ingest:rules", grant(DENY, **_BOTH), note="经营范围关键词规则（统计员维护）"),
]
