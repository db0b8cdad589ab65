"""Permission-matrix rules for /api/v1/ (spliced into accounts.permission_matrix.RULES).

Public endpoints (schema, docs, plans, indicator values, breakdowns): GET for everyone, anonymous
included; POST is 405. Scoped endpoints answer a caller without a session or token with a 403 JSON
body (session authentication comes first, so DRF answers 403, not 401): the walker's DENY, audited by
RequestContextMiddleware. Enterprises: the city office, 统计员, district office (own districts) and
an enterprise (itself); out of scope and missing are the same 403. Imports: 统计员 and city office.
"""

from __future__ import annotations

from wenchuang.accounts.permission_matrix import ALLOW, DENY, GET_ONLY, METHOD, SCOPED, Rule, grant

_PUBLIC = grant(GET_ONLY, GET_ONLY)
_READERS = ("city_admin", "district_admin", "data_manager", "enterprise_user")
_IMPORTERS = ("city_admin", "data_manager")

RULES: list[Rule] = [
    Rule("api:schema", _PUBLIC, note="OpenAPI 3 接口描述（公开）"),
    Rule("api:docs", _PUBLIC, note="Swagger UI（离线资源，无CDN）"),
    Rule("api:plan-list", _PUBLIC, note="规划列表（公开）"),
    Rule("api:plan-detail", _PUBLIC, kwargs={"code": "hangzhou-14th-culture"}),
    Rule(
        "api:indicator-values",
        _PUBLIC,
        kwargs={"plan_code": "hangzhou-14th-culture", "year": 2022},
        note="指标值、目标与进度（公开汇总；规划未载入时404）",
    ),
    Rule("api:breakdown", _PUBLIC, note="分组汇总（公开；缺少year参数时400）"),
    Rule(
        "api:enterprise-list",
        grant(DENY, DENY, **dict.fromkeys(_READERS, GET_ONLY)),
        note="企业列表：按角色范围；匿名403（JSON）",
    ),
    Rule(
        "api:enterprise-detail",
        grant(DENY, DENY, **{actor: {"GET": SCOPED, "POST": METHOD} for actor in _READERS}),
        kwargs={"uscc": "scope:enterprise.uscc"},
        note="企业详情：范围外与不存在同样403",
    ),
    Rule(
        "api:import-list",
        grant(DENY, DENY, **dict.fromkeys(_IMPORTERS, ALLOW)),
        note="导入批次列表（GET）与上传（POST，缺文件时400）",
    ),
    Rule(
        "api:import-detail",
        grant(DENY, DENY, **dict.fromkeys(_IMPORTERS, GET_ONLY)),
        kwargs={"pk": 999999},
        note="批次状态（不存在时404）",
    ),
]
