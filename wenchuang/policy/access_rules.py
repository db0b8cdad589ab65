"""Permission-matrix rules for the policy pages (文创E点通 for enterprises).

Everyone, anonymous included, reads the policies, the 申兑指南, the calculator and the clause search
(GET only). 我的企业 and applying are for enterprise users. An application is served to its
enterprise, its district's office and the city office / 统计员 (the 统计员 reads only); another
district's and a missing one answer the same 403. Reviews: district office (its districts) then the
city office; fact corrections are reviewed by the 统计员, the city office and the district office
(its districts). 免申即享 lists, rounds and the rule builder are city-wide staff work; the effect
analysis is for the three staff roles (a district office sees its districts)."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, METHOD, POST_ONLY, SCOPED, Rule, grant

_CODE = {"code": "demo-park-certification"}
_CITY = {"city_admin": ALLOW, "data_manager": ALLOW}
_STAFF_GET = {"city_admin": GET_ONLY, "data_manager": GET_ONLY, "district_admin": GET_ONLY}

RULES: list[Rule] = [
    Rule("policy:list", grant(GET_ONLY, GET_ONLY), note="惠企政策列表（公开）"),
    Rule(
        "policy:detail",
        grant(GET_ONLY, GET_ONLY),
        kwargs=_CODE,
        note="政策与申兑指南（公开；企业看到自己是否符合）",
    ),
    Rule(
        "policy:calculator", grant(GET_ONLY, GET_ONLY), note="政策计算器（无需登录；企业自动带入本企业数据）"
    ),
    Rule("policy:search", grant(GET_ONLY, GET_ONLY), note="政策条款检索（公开）"),
    Rule("policy:my", grant(DENY, enterprise_user=ALLOW), note="我的企业（一企一档）"),
    Rule("policy:correction_new", grant(DENY, enterprise_user=POST_ONLY), note="更正事实、申请人工复核"),
    Rule("policy:apply", grant(DENY, enterprise_user=POST_ONLY), kwargs=_CODE, note="在线申兑：创建申报"),
    Rule(
        "policy:application",
        grant(
            DENY,
            enterprise_user=SCOPED,
            district_admin=SCOPED,
            city_admin=SCOPED,
            data_manager={"GET": SCOPED, "POST": DENY},
        ),
        kwargs={"pk": "scope:application.pk"},
        note="申兑详情与操作（企业：本企业；区县：本区县；市级：全部；统计员只读）",
    ),
    Rule(
        "policy:attachment",
        grant(
            DENY,
            enterprise_user={"GET": SCOPED, "POST": METHOD},
            district_admin={"GET": SCOPED, "POST": METHOD},
            city_admin={"GET": SCOPED, "POST": METHOD},
            data_manager={"GET": SCOPED, "POST": METHOD},
        ),
        kwargs={"pk": "scope:attachment.pk"},
        note="申报材料下载（与申兑详情同一范围；下载留痕）",
    ),
    Rule("policy:reviews", grant(DENY, **_STAFF_GET), note="审核工作台"),
    Rule(
        "policy:correction",
        grant(DENY, district_admin=SCOPED, city_admin=SCOPED, data_manager=SCOPED),
        kwargs={"pk": "scope:correction.pk"},
        note="事实更正与人工复核的审核（区县：本区县企业）",
    ),
    Rule("policy:rule_builder", grant(DENY, **_CITY), kwargs=_CODE, note="规则构建器与测试用例"),
    Rule("policy:exempt", grant(DENY, **_CITY), kwargs=_CODE, note="免申即享名单测算"),
    Rule(
        "policy:round",
        grant(DENY, city_admin=SCOPED, data_manager=SCOPED),
        kwargs={"pk": "scope:round.pk"},
        note="免申即享批次：确认、登记兑现",
    ),
    Rule("policy:effect", grant(DENY, **_STAFF_GET), note="政策效益分析（可导出）"),
]
