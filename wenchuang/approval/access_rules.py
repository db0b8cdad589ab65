"""Permission-matrix rules for data approval and completeness. District offices submit their own
districts' years and chase their enterprises; the city office reviews (approve, return, reopen) and
sees everything; the 统计员 reads; an enterprise sees its own reminders."""

from __future__ import annotations

from wenchuang.core.access import GET_ONLY, METHOD, POST_ONLY, SCOPED, Rule, grant

_STAFF_GET = {"city_admin": GET_ONLY, "district_admin": GET_ONLY, "data_manager": GET_ONLY}
_SCOPED_GET = {"GET": SCOPED, "POST": METHOD}

RULES: list[Rule] = [
    Rule("approval:home", grant(**_STAFF_GET), note="区县年度数据审核（区县：本区县）"),
    Rule("approval:submit", grant(city_admin=POST_ONLY, district_admin=POST_ONLY), note="提交审核（本区县）"),
    Rule("approval:completeness", grant(**_STAFF_GET), note="报送完整性与催报清单"),
    Rule(
        "approval:reminders_send",
        grant(city_admin=POST_ONLY, district_admin=POST_ONLY),
        note="发送站内催报提醒",
    ),
    Rule("approval:reminders", grant(enterprise_user=GET_ONLY), note="企业：收到的催报提醒"),
    Rule(
        "approval:detail",
        grant(city_admin=_SCOPED_GET, district_admin=_SCOPED_GET, data_manager=_SCOPED_GET),
        kwargs={"pk": "scope:approval.pk"},
        note="审核详情：校验结果、退回原因、状态记录",
    ),
    Rule(
        "approval:decide",
        grant(city_admin={"GET": METHOD, "POST": SCOPED}),
        kwargs={"pk": "scope:approval.pk"},
        note="审核通过、退回、重新开放（市级）",
    ),
]
