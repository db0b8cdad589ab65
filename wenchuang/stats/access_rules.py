"""Permission-matrix rules for the statistics engine's URLs (`wenchuang/stats/urls.py`, mounted under
the app namespace "stats").

The indicator endpoint serves city-level plan indicators: public aggregates, so ALLOW for everyone,
anonymous included (GET only; POST is 405). Nothing district-level is served here yet; a district
breakdown endpoint would be SCOPED with a `scope:` sample.

The rules also cover the stats models' Django admin pages where the admin refuses what model
permissions alone would allow: computed tables are read-only for everyone, superuser included (as for
the audit log), so their add, delete and change-POST pages are DENY; everything else under the admin
follows the generic "route:admin/" STAFF rule.
"""

from __future__ import annotations

from wenchuang.core.access import DENY, GET_ONLY, STAFF, Rule, grant

PLAN_SAMPLE = {"plan_code": "hangzhou-14th-culture", "year": 2022}

RULES: list[Rule] = [
    Rule(
        "stats:indicator-values",
        grant(GET_ONLY, GET_ONLY),
        kwargs=PLAN_SAMPLE,
        note="规划指标值与进度（全市汇总，公开）；预先计算的快照，一次索引读取",
    ),
]

COMPUTED_MODELS = (
    "factcell",
    "valueaddedrate",
    "rollupyear",
    "indicatorvalue",
    "indicatorsnapshot",
    "validationviolation",
)
_ADMINS = ("system_admin", "security_admin", "audit_admin", "superuser")

for _model in COMPUTED_MODELS:
    RULES += [
        Rule(f"admin:stats_{_model}_add", grant(DENY), note="计算结果只读"),
        Rule(f"admin:stats_{_model}_delete", grant(DENY), kwargs={"object_id": "999999"}),
        Rule(
            f"admin:stats_{_model}_change",
            grant(DENY, **{actor: {"GET": STAFF, "POST": DENY} for actor in _ADMINS}),
            kwargs={"object_id": "999999"},
        ),
    ]
