"""Permission-matrix rules for the task assessment. The city office (lead office) sees and reviews
every unit's tasks; a district office sees and reports its district government's tasks only."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, GET_ONLY, METHOD, POST_ONLY, SCOPED, Rule, grant

_BOTH_GET = {"city_admin": GET_ONLY, "district_admin": GET_ONLY}
_SCOPED = {"GET": SCOPED, "POST": SCOPED}
_SCOPED_GET = {"GET": SCOPED, "POST": METHOD}

RULES: list[Rule] = [
    Rule("assessment:home", grant(**_BOTH_GET), note="重点任务与年度节点（区县：本区县政府的任务）"),
    Rule(
        "assessment:milestone",
        grant(city_admin=_SCOPED, district_admin=_SCOPED),
        kwargs={"pk": "scope:milestone.pk"},
        note="节点进展报送与审核（审核仅市级，服务中核对）",
    ),
    Rule(
        "assessment:evidence",
        grant(city_admin=_SCOPED_GET, district_admin=_SCOPED_GET),
        kwargs={"pk": "scope:assessment_report.pk"},
        note="佐证文件下载",
    ),
    Rule("assessment:scores", grant(**_BOTH_GET), note="年度考核得分与排名"),
    Rule(
        "assessment:sheet",
        grant(city_admin=_SCOPED_GET, district_admin=_SCOPED_GET),
        kwargs={"unit": "scope:unit.pk", "year": 2023},
        note="得分明细（每一分的来源）",
    ),
    Rule("assessment:methods", grant(**_BOTH_GET), note="考核办法（各版本）"),
    Rule(
        "assessment:task_new", grant(city_admin=ALLOW), note="将规划任务分解到责任单位与年度节点（牵头部门）"
    ),
    Rule("assessment:adjustment_add", grant(city_admin=POST_ONLY), note="录入加分、扣分事项（牵头部门）"),
]
