"""Permission-matrix rules for the import and classification-review pages. The 统计员 and the city
office import for the whole city; a 区县管理员 imports and reviews for their own districts (rows about
other districts are rejected, the batch list and the review queue show their districts only); the
keyword rules stay city-wide. Enterprises and everyone else are denied."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, METHOD, POST_ONLY, Rule, grant

_BOTH = {"data_manager": ALLOW, "city_admin": ALLOW}
_GET = {"data_manager": GET_ONLY, "city_admin": GET_ONLY}
_POST = {"data_manager": POST_ONLY, "city_admin": POST_ONLY}
# A district office asking for a batch outside its scope, or one that does not exist (the sample pk),
# gets the same 403: the selector does not tell the two apart.
_DISTRICT_BATCH_GET = {"GET": DENY, "POST": METHOD}
_DISTRICT_BATCH_POST = {"GET": METHOD, "POST": DENY}

RULES: list[Rule] = [
    Rule(
        "ingest:home",
        grant(DENY, district_admin=ALLOW, **_BOTH),
        note="数据导入：上传、模板下载、批次列表（区县管理员：仅本区县数据与批次）",
    ),
    Rule("ingest:template", grant(DENY, district_admin=GET_ONLY, **_GET), kwargs={"kind": "registration"}),
    Rule(
        "ingest:batch",
        grant(DENY, district_admin=_DISTRICT_BATCH_GET, **_GET),
        kwargs={"pk": 999999},
        note="批次结果（不存在时：市级404，区县403，与他区批次相同）",
    ),
    Rule(
        "ingest:batch_progress",
        grant(DENY, district_admin=_DISTRICT_BATCH_GET, **_GET),
        kwargs={"pk": 999999},
        note="HTMX轮询进度",
    ),
    Rule(
        "ingest:batch_errors", grant(DENY, district_admin=_DISTRICT_BATCH_GET, **_GET), kwargs={"pk": 999999}
    ),
    Rule(
        "ingest:batch_undo", grant(DENY, district_admin=_DISTRICT_BATCH_POST, **_POST), kwargs={"pk": 999999}
    ),
    Rule(
        "ingest:batch_retry",
        grant(DENY, district_admin=_DISTRICT_BATCH_POST, **_POST),
        kwargs={"pk": 999999},
        note="失败批次重新导入",
    ),
    Rule(
        "ingest:batch_discard",
        grant(DENY, district_admin=_DISTRICT_BATCH_POST, **_POST),
        kwargs={"pk": 999999},
        note="失败批次丢弃",
    ),
    Rule(
        "ingest:review",
        grant(DENY, district_admin=ALLOW, **_BOTH),
        note="分类审核队列（区县管理员：仅本区县企业）",
    ),
    Rule("ingest:rules", grant(DENY, **_BOTH), note="经营范围关键词规则（统计员维护，全市适用）"),
]
