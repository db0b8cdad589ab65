"""Permission-matrix rules for the key-project library. The city office and the 统计员 read every
project, a district office its districts' (and takes their steps: forward, start, complete, terminate),
an enterprise its own projects and may submit new ones in the call (项目征集). Accepting into the
library and listing for support are the city office's (checked in the service, per step)."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, GET_ONLY, METHOD, SCOPED, Rule, grant

_SCOPED_GET = {"GET": SCOPED, "POST": METHOD}
_SCOPED_POST = {"GET": METHOD, "POST": SCOPED}
_STAFF_GET = {"city_admin": GET_ONLY, "district_admin": GET_ONLY, "data_manager": GET_ONLY}

RULES: list[Rule] = [
    Rule("projects:list", grant(enterprise_user=GET_ONLY, **_STAFF_GET), note="重点项目库（按管辖范围）"),
    Rule(
        "projects:submit",
        grant(city_admin=ALLOW, district_admin=ALLOW, enterprise_user=ALLOW),
        note="项目征集：企业在线申报，区县、市级可代为录入",
    ),
    Rule("projects:rates", grant(**_STAFF_GET), note="开工率、建成率（对照规划承诺）"),
    Rule(
        "projects:rate_detail",
        grant(**_STAFF_GET),
        kwargs={"year": 2022, "kind": "start"},
        note="比率背后的项目清单",
    ),
    Rule("projects:import", grant(city_admin=ALLOW, district_admin=ALLOW), note="Excel导入已有项目清单"),
    Rule("projects:import_template", grant(city_admin=GET_ONLY, district_admin=GET_ONLY)),
    Rule(
        "projects:detail",
        grant(
            city_admin=_SCOPED_GET,
            district_admin=_SCOPED_GET,
            data_manager=_SCOPED_GET,
            enterprise_user=_SCOPED_GET,
        ),
        kwargs={"pk": "scope:project.pk"},
        note="项目详情与进程记录",
    ),
    Rule(
        "projects:step",
        grant(city_admin=_SCOPED_POST, district_admin=_SCOPED_POST),
        kwargs={"pk": "scope:project.pk"},
        note="项目环节（推荐、入库、扶持、开工、建成、终止），权限按环节在服务中核对",
    ),
    Rule(
        "projects:investment",
        grant(city_admin=_SCOPED_POST, district_admin=_SCOPED_POST),
        kwargs={"pk": "scope:project.pk"},
        note="登记项目年度计划投资与完成投资",
    ),
]
