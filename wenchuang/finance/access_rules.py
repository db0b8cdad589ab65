"""Permission-matrix rules for the 金融服务 pages (/finance/).

The published points table is open to everyone. Enterprises see their score, the products they may
apply for and their own demands; a 金融机构 the demands shared with its institution, its own products and
its loans in the risk-compensation pool; the city office everything and the pool's cash; a district
office the demands and scores of its districts. A demand or loan outside the actor's scope gets the
same 403 as one that does not exist. The 统计员 and the administrators have no business here.
"""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, METHOD, POST_ONLY, SCOPED, Rule, grant

_SERVICE = ("city_admin", "district_admin", "enterprise_user", "finance_user")
_GET_SCOPED = {"GET": SCOPED, "POST": METHOD}
_POST_SCOPED = {"GET": METHOD, "POST": SCOPED}
_READ = {"GET": ALLOW, "POST": DENY}


def _post_only(name: str, who: tuple[str, ...], note: str, scope: str | None = None) -> Rule:
    """A POST action: the roles in `who` (scoped to their own objects when `scope` is given)."""
    outcome = _POST_SCOPED if scope else POST_ONLY
    return Rule(
        name,
        grant(DENY, **dict.fromkeys(who, outcome)),
        kwargs={"pk": f"scope:{scope}"} if scope else {},
        note=note,
    )


RULES: list[Rule] = [
    Rule("finance:home", grant(DENY, **dict.fromkeys(_SERVICE, GET_ONLY)), note="金融服务首页（按角色）"),
    Rule("finance:scorecard", grant(GET_ONLY, GET_ONLY), note="信用评分表（公开：方法与分值）"),
    Rule(
        "finance:my_score",
        grant(DENY, enterprise_user=GET_ONLY),
        note="本企业信用评分、理由与提升建议",
    ),
    Rule(
        "finance:scores",
        grant(DENY, city_admin=ALLOW, district_admin={"GET": ALLOW, "POST": DENY}),
        note="评分结果（区县：本区县企业）；市级管理员POST重新计算",
    ),
    Rule(
        "finance:products",
        grant(
            DENY,
            **{actor: _READ for actor in ("city_admin", "district_admin", "enterprise_user")},
            finance_user=ALLOW,
        ),
        note="金融产品（机构：本机构产品，POST发布）",
    ),
    Rule(
        "finance:demands",
        grant(
            DENY,
            **{actor: _READ for actor in ("city_admin", "district_admin", "finance_user")},
            enterprise_user=ALLOW,
        ),
        note="融资需求（企业：本企业，POST发布；机构：共享给本机构的）",
    ),
    Rule(
        "finance:demand",
        grant(DENY, **dict.fromkeys(_SERVICE, _GET_SCOPED)),
        kwargs={"pk": "scope:finance_demand.pk"},
        note="融资需求详情（范围外与不存在同样403；联系人对机构脱敏）",
    ),
    _post_only("finance:demand_respond", ("finance_user",), "机构答复（报价或婉拒）", "finance_demand.pk"),
    _post_only("finance:demand_grant", ("finance_user",), "机构登记放款", "finance_demand.pk"),
    _post_only("finance:demand_close", ("enterprise_user",), "企业关闭需求", "finance_demand.pk"),
    Rule(
        "finance:pool",
        grant(DENY, city_admin=GET_ONLY, finance_user=GET_ONLY),
        note="风险补偿资金池（机构：本机构贷款与分录）",
    ),
    _post_only("finance:pool_contribute", ("city_admin",), "市级管理员注资"),
    _post_only("finance:loan_register", ("finance_user",), "机构登记贷款入池"),
    _post_only("finance:loan_repay", ("finance_user",), "机构登记还款", "finance_loan.pk"),
    _post_only("finance:loan_default", ("finance_user",), "机构登记违约", "finance_loan.pk"),
    _post_only("finance:loan_compensate", ("city_admin",), "市级管理员支付补偿", "finance_loan.pk"),
    Rule("finance:events", grant(DENY, **dict.fromkeys(_SERVICE, GET_ONLY)), note="投融资对接活动"),
]
