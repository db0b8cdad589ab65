"""Permission-matrix rules for /api/v1/ (collected by accounts.permission_matrix).

Public endpoints (schema, docs, plans, indicator values, breakdowns): GET for everyone, anonymous
included; POST is 405. The other endpoints answer a caller without a session or token with 401,
`WWW-Authenticate: Token` and a Chinese JSON body (CHALLENGE, audited by the API's exception handler);
a signed-in role without the right gets 403. Enterprises: the city office, 统计员, district office
(own districts) and an enterprise (itself); out of scope and missing are the same 403. Imports: 统计员,
city office and district office; a district office sees only its districts' batches, and another
district's or the city's batch gets the same 403 as a missing one, for its status, its undo and its
rejected rows alike.
"""

from __future__ import annotations

from wenchuang.core.access import (
    ALLOW,
    CHALLENGE,
    DENY,
    GET_ONLY,
    METHOD,
    POST_ONLY,
    SCOPED,
    Rule,
    grant,
)

_PUBLIC = grant(GET_ONLY, GET_ONLY)
_READERS = ("city_admin", "district_admin", "data_manager", "enterprise_user")
_IMPORTERS = ("city_admin", "data_manager", "district_admin")
_CITY_WIDE = ("city_admin", "data_manager")
_FINANCE = ("city_admin", "district_admin", "enterprise_user", "finance_user")


def _batch_rule(name: str, method: str, what: str) -> Rule:
    """One import batch's endpoint: city-wide roles for any batch (404 when missing), a district office
    for its districts' batches (another district's, the city's and a missing one: the same 403)."""
    other = "POST" if method == "GET" else "GET"
    return Rule(
        name,
        grant(
            DENY,
            CHALLENGE,
            district_admin={method: SCOPED, other: METHOD},
            **dict.fromkeys(_CITY_WIDE, GET_ONLY if method == "GET" else POST_ONLY),
        ),
        kwargs={"pk": "scope:import_batch.pk"},
        note=f"{what}（市级：不存在时404；区县管理员：市级、他区批次与不存在同样403）",
    )


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
    Rule("api:breakdown", _PUBLIC, note="分组汇总（公开：最新发布版本；缺少year参数时400）"),
    Rule(
        "api:publication-list",
        _PUBLIC,
        kwargs={"plan_code": "hangzhou-14th-culture"},
        note="数据发布版本列表（公开；规划未载入时404）",
    ),
    Rule(
        "api:enterprise-list",
        grant(DENY, CHALLENGE, **dict.fromkeys(_READERS, GET_ONLY)),
        note="企业列表：按角色范围；匿名401（JSON，WWW-Authenticate: Token）",
    ),
    Rule(
        "api:enterprise-detail",
        grant(DENY, CHALLENGE, **{actor: {"GET": SCOPED, "POST": METHOD} for actor in _READERS}),
        kwargs={"uscc": "scope:enterprise.uscc"},
        note="企业详情：范围外与不存在同样403",
    ),
    Rule(
        "api:import-list",
        grant(DENY, CHALLENGE, **dict.fromkeys(_IMPORTERS, ALLOW)),
        note="导入批次列表（GET；区县管理员仅本区县批次）与上传（POST，缺文件时400；区县管理员的他区行被拒绝）",
    ),
    _batch_rule("api:import-detail", "GET", "批次状态"),
    _batch_rule("api:import-undo", "POST", "撤销批次（POST；无法撤销时409并说明原因）"),
    _batch_rule("api:import-errors", "GET", "错误行xlsx（无错误行文件时404）"),
    Rule(
        "api_tokens:list",
        grant(DENY, **dict.fromkeys(_READERS, ALLOW)),
        note="接口令牌：列出、签发（须双因素认证的角色只能在通过双因素认证的会话中签发）",
    ),
    Rule(
        "api_tokens:revoke",
        grant(DENY, **{actor: {"GET": METHOD, "POST": DENY} for actor in _READERS}),
        kwargs={"pk": 999999},
        note="撤销本人令牌（他人令牌与不存在同样403）",
    ),
    # 金融服务 (see wenchuang/api/views/finance.py)
    Rule("api:finance-scorecard", _PUBLIC, note="信用评分表（公开）"),
    Rule("api:finance-my-score", grant(DENY, CHALLENGE, enterprise_user=GET_ONLY), note="本企业评分与理由"),
    Rule(
        "api:finance-products", grant(DENY, CHALLENGE, **dict.fromkeys(_FINANCE, GET_ONLY)), note="金融产品"
    ),
    Rule(
        "api:finance-demands",
        grant(
            DENY,
            CHALLENGE,
            **{actor: {"GET": ALLOW, "POST": DENY} for actor in _FINANCE if actor != "enterprise_user"},
            enterprise_user=ALLOW,
        ),
        note="融资需求列表（GET，按范围）与发布（POST：企业；其他角色403）",
    ),
    Rule(
        "api:finance-demand",
        grant(DENY, CHALLENGE, **{actor: {"GET": SCOPED, "POST": METHOD} for actor in _FINANCE}),
        kwargs={"pk": "scope:finance_demand.pk"},
        note="融资需求详情（范围外与不存在同样403）",
    ),
    Rule(
        "api:finance-demand-respond",
        grant(DENY, CHALLENGE, finance_user={"GET": METHOD, "POST": SCOPED}),
        kwargs={"pk": "scope:finance_demand.pk"},
        note="机构答复（共享给本机构的需求）",
    ),
    Rule(
        "api:finance-pool", grant(DENY, CHALLENGE, city_admin=GET_ONLY, finance_user=GET_ONLY), note="资金池"
    ),
    Rule(
        "api:finance-events",
        grant(DENY, CHALLENGE, **dict.fromkeys(_FINANCE, GET_ONLY)),
        note="投融资对接活动",
    ),
    Rule("api:policy-list", _PUBLIC, note="有效政策列表（公开）"),
    Rule(
        "api:policy-detail",
        _PUBLIC,
        kwargs={"code": "demo-park-certification"},
        note="政策详情与申兑指南（公开）",
    ),
    Rule("api:policy-calculator", _PUBLIC, note="政策计算器（公开，GET参数为事实）"),
    Rule("api:policy-search", _PUBLIC, note="政策条款检索（公开；缺少q时400）"),
    Rule(
        "api:my-policies",
        grant(DENY, CHALLENGE, enterprise_user=GET_ONLY),
        note="本企业每项政策的符合情况与原因（企业用户）",
    ),
    Rule(
        "api:policy-application-list",
        grant(DENY, CHALLENGE, **dict.fromkeys(_READERS, GET_ONLY)),
        note="政策申兑列表：按角色范围",
    ),
    Rule(
        "api:policy-application-detail",
        grant(DENY, CHALLENGE, **{actor: {"GET": SCOPED, "POST": METHOD} for actor in _READERS}),
        kwargs={"pk": "scope:application.pk"},
        note="政策申兑详情：范围外与不存在同样403",
    ),
    Rule(
        "api:policy-effect",
        grant(DENY, CHALLENGE, **dict.fromkeys(_IMPORTERS, GET_ONLY)),
        note="政策效益分析（市级、统计员、区县管理员本区县）",
    ),
]
