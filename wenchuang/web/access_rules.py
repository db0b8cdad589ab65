"""Permission-matrix rules for the web pages (collected by accounts.permission_matrix).

Published aggregates (home page, spatial layout, platform library, map boundaries) are public. The
cockpit, indicator pages and the enterprise and talent libraries are for the statistics staff: the
city office and the 统计员 city-wide, a district office for its own districts (enterprise profiles
outside them answer 403, as for a missing one)."""

from __future__ import annotations

from wenchuang.core.access import ALLOW, DENY, GET_ONLY, METHOD, SCOPED, Rule, grant

_PUBLIC = {"GET": ALLOW, "POST": METHOD}
_STAFF = {"city_admin": GET_ONLY, "district_admin": GET_ONLY, "data_manager": GET_ONLY}
_SCOPED_GET = {"GET": SCOPED, "POST": METHOD}

RULES: list[Rule] = [
    Rule("web:geojson", grant(_PUBLIC, _PUBLIC), note="区县边界GeoJSON（可由审图号地图替换）"),
    Rule("web:layout", grant(_PUBLIC, _PUBLIC), note="空间布局：公开"),
    Rule("web:platform_list", grant(_PUBLIC, _PUBLIC), note="平台库：公开名录"),
    Rule("web:cockpit", grant(DENY, **_STAFF), note="驾驶舱"),
    Rule(
        "web:regions",
        grant(DENY, **_STAFF),
        note="区县规划进展：市级并列各区县；区县管理员直接转到本区驾驶舱",
    ),
    Rule(
        "web:region_cockpit",
        grant(DENY, **_STAFF),
        # 西湖区: the walk's district office is bound to it; another district's code answers 403
        # (web/tests/test_region_cockpit.py), an unknown code 404.
        kwargs={"code": "330106"},
        note="区县驾驶舱（对照本区规划）：区县管理员仅本区",
    ),
    Rule("web:indicator", grant(DENY, **_STAFF), kwargs={"code": "value_added"}, note="指标页"),
    Rule(
        "web:indicator_export",
        grant(DENY, **_STAFF),
        kwargs={"code": "value_added", "fmt": "csv"},
        note="指标数据下载（无规划时404）",
    ),
    Rule("web:enterprise_list", grant(DENY, **_STAFF), note="企业库（按角色范围）"),
    Rule(
        "web:enterprise_detail",
        grant(
            DENY,
            city_admin=_SCOPED_GET,
            district_admin=_SCOPED_GET,
            data_manager=_SCOPED_GET,
            enterprise_user={"GET": DENY, "POST": DENY},
        ),
        kwargs={"uscc": "scope:enterprise.uscc"},
        note="企业档案：所辖范围外与不存在同样403",
    ),
    Rule("web:talent_list", grant(DENY, **_STAFF), note="人才库（脱敏）"),
    Rule("web:help", grant(_PUBLIC, _PUBLIC), note="帮助：本角色常用操作"),
    Rule(
        "web:publications",
        grant(DENY, city_admin=ALLOW),
        note="数据发布：版本列表、待发布变动、发布（POST，修订须填写原因）",
    ),
    Rule(
        "web:publication_detail",
        grant(DENY, city_admin=ALLOW),
        kwargs={"number": 1},
        note="发布版本详情与撤回（POST，须填写原因；版本不存在时404）",
    ),
]
