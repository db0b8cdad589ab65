"""示例 policies drawn from the plan's measures (凤凰行动 listing support, park/base certification, export
key enterprises, digital-culture demonstration, 动漫游戏), each marked 示例, with parameters, clauses,
rules and test cases. Idempotent: existing codes are left as they are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from wenchuang.policy.models import Clause, Policy, PolicyTestCase, PolicyVersion
from wenchuang.rules.models import Parameter, ParameterValue

START = date(2021, 1, 1)

PARAMETERS = [
    (
        "revenue_threshold_listing",
        "上市培育营收门槛",
        "万元",
        Decimal("5000"),
        "示例 杭文创〔2021〕1号 第三条",
    ),
    (
        "revenue_threshold_digital",
        "数字文化示范营收门槛",
        "万元",
        Decimal("2000"),
        "示例 杭文创〔2021〕2号 第二条",
    ),
    ("exports_threshold", "出口奖励出口额门槛", "万元", Decimal("500"), "示例 杭文创〔2021〕3号 第二条"),
    ("employees_min_anime", "动漫原创扶持从业人员下限", "人", Decimal("10"), "示例 杭文创〔2021〕5号 第二条"),
]

POLICIES: list[dict[str, Any]] = [
    {
        "code": "demo-phoenix-listing",
        "title": "示例·文化企业上市培育（凤凰行动）奖励",
        "issuer": "杭州市文化创意产业办公室",
        "doc_number": "示例 杭文创〔2021〕1号",
        "mode": Policy.Mode.EXEMPT,
        "benefit_type": Policy.BenefitType.REWARD,
        "benefit_amount": Decimal("100"),
        "benefit_cap": Decimal("100"),
        "summary": "落实“凤凰行动”计划，对已上市或营业收入达到门槛的规上文化企业给予上市培育奖励。",
        "beneficiaries": "在杭注册的规模以上文化企业",
        "conditions_text": (
            "上年度为规模以上企业，且已上市或上年营业收入不低于上市培育营收门槛；纳税信用不为D级。"
        ),
        "handbook": "每年一季度按上年度年报数据测算名单，经市文创办确认后通知企业并直接兑现，无需企业申报。",
        "where_to_apply": "无需申报（免申即享）",
        "contact_phone": "0571-00000001（示例）",
        "rule": {
            "and": [
                {"==": [{"var": "above_scale"}, True]},
                {
                    "or": [
                        {"==": [{"var": "listed"}, True]},
                        {">=": [{"var": "revenue"}, {"param": "revenue_threshold_listing"}]},
                    ]
                },
                {"!": {"==": [{"var": "tax_credit"}, "D"]}},
            ]
        },
        "clauses": [
            ("第一条", "为深入实施“凤凰行动”计划，推动文化企业股改上市，制定本办法。"),
            ("第三条", "对上年度营业收入达到5000万元以上的规模以上文化企业，给予上市培育奖励100万元。"),
            ("第四条", "已在境内外资本市场上市的文化企业，按本办法一次性给予奖励，不重复享受。"),
        ],
        "cases": [
            (
                "规上且营收6200万",
                {"above_scale": True, "listed": False, "revenue": "6200", "tax_credit": "A"},
                "true",
            ),
            ("非规上", {"above_scale": False, "listed": True, "revenue": "9000", "tax_credit": "A"}, "false"),
            (
                "缺营收数据",
                {"above_scale": True, "listed": False, "revenue": None, "tax_credit": "B"},
                "unknown",
            ),
        ],
    },
    {
        "code": "demo-park-certification",
        "title": "示例·入驻认定文化产业园区（基地）企业房租补助",
        "issuer": "杭州市文化创意产业办公室",
        "doc_number": "示例 杭文创〔2021〕4号",
        "mode": Policy.Mode.FAST,
        "benefit_type": Policy.BenefitType.RENT,
        "benefit_amount": Decimal("20"),
        "benefit_cap": Decimal("30"),
        "benefit_formula": "按实际租金的30%补助，最高30万元",
        "summary": "对入驻国家级、省级认定文化产业园区（基地）且成立满一年的文化企业给予房租补助。",
        "beneficiaries": "入驻认定园区（基地）的文化企业",
        "conditions_text": "入驻国家级或省级文化产业园区（基地）；成立满1年；纳税信用为A、B或M级。",
        "handbook": "区县文创办初审租赁合同与缴费凭证，市文创办复核；受理后60个工作日内兑现。",
        "where_to_apply": "文创E点通在线申兑",
        "contact_phone": "0571-00000004（示例）",
        "required_attachments": ["租赁合同", "租金缴纳凭证"],
        "rule": {
            "and": [
                {"in": [{"var": "park_level"}, ["national", "provincial"]]},
                {"<=": [{"var": "founded_on"}, {"years_ago": 1}]},
                {"in": [{"var": "tax_credit"}, ["A", "B", "M"]]},
            ]
        },
        "clauses": [
            ("第二条", "入驻国家级、省级文化产业园区（基地）且成立满一年的文化企业，可申请房租补助。"),
            (
                "第三条",
                "房租补助按实际租金的30%给予，每家企业每年最高30万元，实行快申快享，60个工作日内兑现。",
            ),
        ],
        "cases": [
            (
                "国家级园区A级",
                {"park_level": "national", "founded_on": "2015-01-01", "tax_credit": "A"},
                "true",
            ),
            ("未入驻园区", {"park_level": "none", "founded_on": "2015-01-01", "tax_credit": "A"}, "false"),
        ],
    },
    {
        "code": "demo-export-key",
        "title": "示例·国家文化出口重点企业出口奖励",
        "issuer": "杭州市商务局、杭州市文化创意产业办公室",
        "doc_number": "示例 杭文创〔2021〕3号",
        "mode": Policy.Mode.EXEMPT,
        "benefit_type": Policy.BenefitType.REWARD,
        "benefit_amount": Decimal("50"),
        "summary": "对国家文化出口重点企业且上年出口额达到门槛的企业给予奖励，推动中华文化走出去。",
        "beneficiaries": "国家文化出口重点企业",
        "conditions_text": "上年度为有效的国家文化出口重点企业，上年出口额不低于500万元。",
        "handbook": "按出口重点企业名录与年报出口额测算，免申即享。",
        "where_to_apply": "无需申报（免申即享）",
        "contact_phone": "0571-00000003（示例）",
        "rule": {
            "and": [
                {"==": [{"var": "key_exporter"}, True]},
                {">=": [{"var": "exports"}, {"param": "exports_threshold"}]},
            ]
        },
        "clauses": [
            (
                "第二条",
                "对认定为国家文化出口重点企业、上年文化产品和服务出口额500万元以上的企业，给予出口奖励50万元。",
            ),
        ],
        "cases": [
            ("重点企业出口800万", {"key_exporter": True, "exports": "800"}, "true"),
            ("非重点企业", {"key_exporter": False, "exports": "800"}, "false"),
        ],
    },
    {
        "code": "demo-digital-demo",
        "title": "示例·数字文化示范企业培育补助",
        "issuer": "杭州市文化创意产业办公室",
        "doc_number": "示例 杭文创〔2021〕2号",
        "mode": Policy.Mode.FAST,
        "benefit_type": Policy.BenefitType.SUBSIDY,
        "benefit_amount": Decimal("50"),
        "summary": "支持数字内容、数字文化新业态企业创建数字文化示范企业。",
        "beneficiaries": "数字文化（新业态）企业",
        "conditions_text": "属于新业态特征明显的16个小类；上年营业收入不低于2000万元。",
        "handbook": "区县初审示范项目材料，市级复核；快申快享。",
        "where_to_apply": "文创E点通在线申兑",
        "contact_phone": "0571-00000002（示例）",
        "required_attachments": ["示范项目申报书"],
        "rule": {
            "and": [
                {"==": [{"var": "digital_culture"}, True]},
                {">=": [{"var": "revenue"}, {"param": "revenue_threshold_digital"}]},
            ]
        },
        "clauses": [
            (
                "第二条",
                "对新业态特征明显的数字文化企业，上年营业收入2000万元以上的，给予示范培育补助50万元。",
            ),
        ],
        "cases": [("数字文化营收3000万", {"digital_culture": True, "revenue": "3000"}, "true")],
    },
    {
        "code": "demo-anime-original",
        "title": "示例·动漫游戏原创精品扶持",
        "issuer": "杭州市文化创意产业办公室",
        "doc_number": "示例 杭文创〔2021〕5号",
        "mode": Policy.Mode.NORMAL,
        "benefit_type": Policy.BenefitType.SUBSIDY,
        "benefit_amount": Decimal("30"),
        "industries": "02",
        "summary": "锚定“国际动漫之都”目标，扶持动漫游戏原创精品。",
        "beneficiaries": "动漫游戏企业",
        "conditions_text": "属于内容创作生产大类；从业人员不少于10人。",
        "handbook": "每年组织一次评审，普通申报。",
        "where_to_apply": "文创E点通在线申兑",
        "contact_phone": "0571-00000005（示例）",
        "required_attachments": ["原创作品说明"],
        "rule": {
            "and": [
                {"==": [{"var": "culture_major"}, "02"]},
                {">=": [{"var": "employees"}, {"param": "employees_min_anime"}]},
            ]
        },
        "clauses": [
            ("第二条", "对动漫企业原创动画片、动漫游戏精品给予补贴，每部作品最高补助30万元。"),
            ("第三条", "动漫游戏企业参加中国国际动漫节并获“金猴奖”的，另给予奖励。"),
        ],
        "cases": [("动漫企业20人", {"culture_major": "02", "employees": "20"}, "true")],
    },
]


@transaction.atomic
def seed_demo_policies() -> int:
    """Create the 示例 parameters and policies that do not exist yet; returns how many policies."""
    for key, label, unit, value, source in PARAMETERS:
        param, created = Parameter.objects.get_or_create(key=key, defaults={"label": label, "unit": unit})
        if created:
            ParameterValue.objects.create(parameter=param, value=value, valid_from=START, legal_source=source)
    created_count = 0
    for spec in POLICIES:
        if Policy.objects.filter(code=spec["code"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("rule", "clauses", "cases")}
        policy = Policy.objects.create(effective_from=START, is_demo=True, **fields)
        PolicyVersion.objects.create(
            policy=policy, number=1, valid_from=START, rule=spec["rule"], note="示例初始版本"
        )
        Clause.objects.bulk_create([Clause(policy=policy, number=n, text=t) for n, t in spec["clauses"]])
        PolicyTestCase.objects.bulk_create(
            [PolicyTestCase(policy=policy, name=n, facts=f, expected=e) for n, f, e in spec["cases"]]
        )
        created_count += 1
    return created_count
