"""Build data/evaluation/classify-scopes.csv: a labelled set of business scopes for the 18 partial (*)
GB/T codes of the 2018 culture classification, for `wenchuang classify evaluate FILE`.

Per code, hand-written phrases: six cultural activities (some in words the keyword rules do not use,
so recall is measured, not assumed), five non-cultural activities of the same GB/T code, a cultural
keyword for the exclusions. Combined into 18 rows per code:

- positive (6): the cultural activity, alone or with a generic clause, 一般项目 heads and boilerplate;
- negative (5): the non-cultural activity of the same code;
- negation (3): a non-cultural activity with the cultural keyword under 不含 / 除外 / 不得从事 → not cultural;
- branch-only (1): the cultural activity marked 限分支机构经营 → not the firm's own business → not cultural;
- negated-other (1): a cultural activity plus an unrelated exclusion → cultural;
- mixed (2): a cultural and a non-cultural clause (the rule's exclusion word where it has one), either
  order → cultural: the 2018 classification counts the cultural part of a * industry, so a firm whose
  scope carries the cultural activity as a clause of its own is labelled cultural.

Run: .venv/bin/python scripts/build_classify_evalset.py (deterministic)."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "evaluation" / "classify-scopes.csv"

BOILER = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
GENERIC = [
    "技术咨询",
    "技术服务",
    "会议及展览服务",
    "信息咨询服务（不含许可类信息咨询服务）",
    "组织文化艺术交流活动",
]

# gbt: (小类, cultural phrases, non-cultural phrases, cultural keyword, non-cultural phrase with the
# rule's exclusion word or a plain one)
CODES: dict[str, tuple[str, list[str], list[str], str, str]] = {
    "6513": (
        "0243",
        [
            "游戏软件开发",
            "动漫设计软件开发",
            "多媒体软件开发",
            "数字出版软件开发",
            "手机游戏研发",
            "电子竞技软件开发",
        ],
        ["企业管理软件开发", "财务软件开发", "医疗软件开发", "工业控制软件开发", "电子商务软件开发"],
        "网络游戏",
        "办公自动化软件开发",
    ),
    "6319": (
        "0244",
        ["手机报业务", "彩铃业务", "网络音乐服务", "移动电视业务", "网络视听节目服务", "手机动漫增值服务"],
        ["呼叫中心业务", "短信验证码服务", "物联网数据传输服务", "互联网数据中心业务", "国内多方通信服务"],
        "网络音乐",
        "信息服务业务（仅限短信息服务）",
    ),
    "6579": (
        "0245",
        [
            "文化资源数字化服务",
            "数字博物馆建设运营",
            "数字动漫内容制作",
            "虚拟现实文化体验内容制作",
            "数字艺术展示服务",
            "非遗数字化采集服务",
        ],
        ["数据处理服务", "数据标注服务", "地理信息数字内容服务", "电子政务数据整理", "企业数字化转型咨询"],
        "数字艺术",
        "工业数据采集服务",
    ),
    "7484": (
        "0321",
        ["建筑设计", "室内设计", "风景园林工程设计", "景观设计", "城市规划设计", "古建筑保护修缮设计"],
        ["公路工程设计", "水利工程设计", "电力工程设计", "通信工程设计", "化工石化医药行业工程设计"],
        "室内设计",
        "市政道路工程设计",
    ),
    "6432": (
        "0450",
        [
            "网络直播平台运营",
            "短视频平台运营",
            "网络文学平台服务",
            "在线音乐平台运营",
            "演出票务平台服务",
            "网络社区文化娱乐平台",
        ],
        ["家政服务平台运营", "网约车出行平台", "二手车交易平台", "生鲜电商平台", "房屋租赁信息平台"],
        "直播",
        "外卖配送平台运营",
    ),
    "7212": (
        "0510",
        [
            "文化产业投资",
            "影视投资",
            "艺术品投资管理",
            "文化产业基金管理",
            "文创投资咨询",
            "文化旅游项目投资",
        ],
        ["股权投资管理", "实业投资", "房地产投资", "创业投资管理", "基础设施投资"],
        "影视投资",
        "能源项目投资",
    ),
    "7211": (
        "0521",
        [
            "影视传媒企业总部管理",
            "文化企业总部管理",
            "出版集团总部管理",
            "演艺集团总部管理",
            "文创企业总部服务",
            "广电网络集团总部管理",
        ],
        ["企业总部管理", "制造业集团总部管理", "物流集团总部管理", "零售企业总部管理", "建筑集团总部管理"],
        "传媒",
        "化工集团总部管理",
    ),
    "7221": (
        "0522",
        [
            "文创园管理服务",
            "文化创意产业园运营管理",
            "动漫产业园管理",
            "影视基地运营管理",
            "文化园区物业管理",
            "数字文化产业园区管理",
        ],
        ["物流园管理服务", "科技园区管理", "农业园区管理", "产业园区物业管理", "电商园区运营管理"],
        "文创园",
        "工业园管理服务",
    ),
    "2221": (
        "0711",
        ["书写纸制造", "印刷纸制造", "新闻纸生产", "铜版纸制造", "胶版纸生产", "书刊用纸制造"],
        ["瓦楞纸板制造", "工业用纸制造", "特种纸制造", "纸浆模塑制品制造", "牛皮纸生产"],
        "铜版纸",
        "生活用纸加工",
    ),
    "7520": (
        "0730",
        ["版权代理", "著作权代理", "版权登记代理", "软件著作权登记代理", "版权交易服务", "影视作品授权代理"],
        ["专利代理", "商标代理", "集成电路布图设计代理", "植物新品种权代理", "地理标志申请代理"],
        "版权代理",
        "专利申请代理",
    ),
    "8070": (
        "0754",
        ["婚庆服务", "婚礼策划", "庆典活动策划", "礼仪服务", "开业典礼策划", "婚纱摄影"],
        ["家政服务", "洗染服务", "理发及美容服务", "搬家服务", "保洁服务"],
        "婚庆",
        "婚姻介绍服务",
    ),
    "5181": (
        "0755",
        [
            "工艺品贸易代理",
            "艺术品进出口代理",
            "图书进出口代理",
            "乐器贸易代理",
            "文化用品贸易代理",
            "音像制品贸易代理",
        ],
        ["钢材贸易代理", "化工原料贸易代理", "农产品贸易代理", "机电产品贸易代理", "纺织品贸易代理"],
        "工艺品",
        "矿产品贸易代理",
    ),
    "9521": (
        "0772",
        ["书法艺术交流", "摄影艺术交流", "文学研究交流", "戏剧艺术研究", "音乐学术交流", "民间文艺研究"],
        ["行业标准研究", "经济学术研究交流", "医学学术交流", "工程技术学术交流", "法学研究交流"],
        "摄影",
        "会计学术交流",
    ),
    "8399": (
        "0774",
        ["美术培训", "舞蹈培训", "书法培训", "乐器培训", "声乐辅导", "少儿口才与表演培训"],
        ["职业技能培训", "学历教育辅导", "计算机培训", "语言培训", "企业管理培训"],
        "美术培训",
        "驾驶员培训",
    ),
    "3963": (
        "0832",
        [
            "消费级无人机制造",
            "航拍无人机制造",
            "无人机编队表演设备制造",
            "娱乐无人机制造",
            "无人机灯光秀设备制造",
            "航模无人机制造",
        ],
        ["农业无人机制造", "测绘无人机制造", "电力巡检无人机制造", "物流无人机制造", "消防无人机制造"],
        "航拍",
        "植保无人机制造",
    ),
    "5175": (
        "0842",
        [
            "舞台灯光设备批发",
            "舞台照明设备销售",
            "灯光音响设备批发",
            "演艺设备批发",
            "舞台灯具批发",
            "舞美灯光器材批发",
        ],
        ["电线电缆批发", "家用照明灯具批发", "路灯批发", "开关插座批发", "五金电料批发"],
        "舞台灯光",
        "工矿灯具批发",
    ),
    "3961": (
        "0953",
        [
            "VR头显制造",
            "智能眼镜制造",
            "增强现实眼镜制造",
            "游戏体感穿戴设备制造",
            "虚拟现实设备制造",
            "沉浸式观影头戴设备制造",
        ],
        ["智能手环制造", "智能工牌制造", "运动心率带制造", "儿童定位手表制造", "医疗穿戴设备制造"],
        "智能眼镜",
        "健康监测手环制造",
    ),
    "3969": (
        "0954",
        [
            "智能音箱制造",
            "智能玩具制造",
            "家庭影院设备制造",
            "数字阅读器制造",
            "游戏机制造",
            "智能早教故事机制造",
        ],
        ["智能家居控制器制造", "扫地机器人制造", "智能门锁制造", "智能插座制造", "智能晾衣架制造"],
        "智能音箱",
        "智能电表制造",
    ),
}


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []

    def add(gbt: str, scope: str, expected: str, kind: str) -> None:
        out.append(
            {
                "id": str(len(out) + 1),
                "gbt_code": gbt,
                "business_scope": scope,
                "expected": expected,
                "kind": kind,
            }
        )

    for gbt, (cat, yes, no, word, against) in CODES.items():
        for i, phrase in enumerate(yes):
            generic = GENERIC[i % len(GENERIC)]
            scope = [
                phrase,
                f"{phrase}；{generic}",
                f"一般项目：{phrase}；{generic}{BOILER}",
                f"{generic}；{phrase}",
                f"许可项目：{phrase}（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
                f"{phrase}。",
            ][i]
            add(gbt, scope, cat, "positive")
        for i, phrase in enumerate(no):
            generic = GENERIC[(i + 2) % len(GENERIC)]
            add(gbt, phrase if i % 2 == 0 else f"一般项目：{phrase}；{generic}{BOILER}", "", "negative")
        add(gbt, f"{no[0]}（不含{word}）", "", "negation")
        add(gbt, f"{no[1]}，{word}除外", "", "negation")
        add(gbt, f"{no[2]}；不得从事{word}相关业务", "", "negation")
        add(gbt, f"{no[3]}；{yes[0]}（限分支机构经营）", "", "branch-only")
        add(gbt, f"{yes[1]}；{no[4]}（不含危险化学品）", cat, "negated-other")
        add(gbt, f"{yes[2]}；{against}", cat, "mixed")
        add(gbt, f"{against}；{yes[3]}", cat, "mixed")
    return out


def build() -> Path:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["id", "gbt_code", "business_scope", "expected", "kind"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows())
    return OUT


if __name__ == "__main__":
    print(build().relative_to(ROOT), len(rows()))
