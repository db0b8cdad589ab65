"""Names and business-scope (经营范围) texts for demo data. Pure functions, no Django.

Every name carries 示例 so demo rows can never be mistaken for registry data. Scopes are written per
culture 小类 from its own name plus phrases typical of its 大类, the way registration texts read, so the
classifier has realistic input.
"""

from __future__ import annotations

import random

DEMO_MARK = "示例"

# Two-character brand words; a firm's brand is two of them, chosen from its index so names rarely repeat.
BRAND_WORDS = (
    "云栖 墨韵 星河 青禾 之江 钱塘 西溪 湖畔 良渚 运河 天目 富春 千岛 南宋 北山 孤山 龙井 九溪 "
    "云谷 灵隐 吴山 凤凰 白塔 拱宸 塘栖 湘湖 闻涛 江南 越韵 青瓷 丝路 锦程 华章 新禾 朗润 文澜 "
    "瑞思 嘉木 弘毅 知行 启明 晨光 远山 清源 明德 博雅 乐活 匠心 织梦 逐光 寻味 拾光 映画 声动 "
    "繁星 月涌 潮鸣 风雅 栖霞 观澜 听雨 问茶 集贤 敦和 泽润 涵秋 若水 青岚 瑞云 鹤鸣 松风 竹里"
).split()

DISTRICT_SHORT = {
    "330102": "上城",
    "330105": "拱墅",
    "330106": "西湖",
    "330108": "滨江",
    "330109": "萧山",
    "330110": "余杭",
    "330111": "富阳",
    "330112": "临安",
    "330113": "临平",
    "330114": "钱塘",
    "330122": "桐庐",
    "330127": "淳安",
    "330182": "建德",
}

# Name core by 大类 (the digital new-form 小类 get their own, see name_core()).
_MAJOR_CORE = {
    "01": ("传媒", "资讯", "新媒体"),
    "02": ("文化创意", "影视", "出版", "艺术"),
    "03": ("创意设计", "广告", "设计"),
    "04": ("文化传播", "演艺", "文化发展"),
    "05": ("文化投资", "文创园区运营", "文化产业发展"),
    "06": ("文旅", "娱乐", "文化旅游"),
    "07": ("文化科技", "印务", "会展", "文化服务"),
    "08": ("文化装备", "影音设备", "演艺设备"),
    "09": ("文化用品", "智能终端", "工艺品"),
}
_DIGITAL_CORE = ("数字文化", "数字科技", "网络科技", "互动娱乐", "数字传媒")
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
_TAIL_FORMS = ("有限公司", "有限公司", "工作室", "文化传播部", "有限公司")

_MAJOR_PHRASES = {
    "01": ("互联网信息服务", "新闻信息采编服务", "网络文化内容审核技术服务", "数据处理服务"),
    "02": ("文艺创作", "影视节目策划", "数字内容制作服务", "组织文化艺术交流活动", "出版物策划"),
    "03": ("广告设计、代理", "广告制作", "平面设计", "专业设计服务", "品牌管理"),
    "04": ("出版物零售", "文艺表演场馆运营", "电影发行", "艺术品代理", "演出经纪"),
    "05": ("以自有资金从事文化产业投资活动", "园区管理服务", "企业总部管理", "商业综合体管理服务"),
    "06": ("游乐园服务", "游览景区管理", "休闲观光活动", "娱乐性展览", "露营地服务"),
    "07": ("会议及展览服务", "包装装潢印刷品印刷", "知识产权服务", "文艺培训（不含学科类）", "票务代理服务"),
    "08": ("电子专用设备制造", "影视录放设备制造", "舞台灯光音响设备销售", "乐器制造", "音响设备制造"),
    "09": ("文具用品批发", "玩具制造", "智能家庭消费设备制造", "办公用品销售", "工艺美术品销售"),
}
_COMMON_PHRASES = (
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "软件开发",
    "信息咨询服务（不含许可类信息咨询服务）",
    "市场营销策划",
    "会议及展览服务",
    "组织文化艺术交流活动",
)
_SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。"


def brand(index: int) -> str:
    n = len(BRAND_WORDS)
    return BRAND_WORDS[index % n] + BRAND_WORDS[(index // n + index) % n]


def name_core(major: str, is_new_form: bool, rng: random.Random) -> str:
    return rng.choice(_DIGITAL_CORE if is_new_form else _MAJOR_CORE[major])


def enterprise_name(district_code: str, brand_index: int, core: str, form: str) -> str:
    return f"{DEMO_MARK}·{DISTRICT_SHORT.get(district_code, '杭州')}{brand(brand_index)}{core}{form}"


def forms(*, large: bool) -> tuple[str, ...]:
    return _FORMS if large else _TAIL_FORMS


def scope_variants(category_name: str, major: str, rng: random.Random, count: int = 6) -> list[str]:
    """A few 经营范围 texts for one 小类; firms of the 小类 pick one (cheap at a million firms)."""
    activity = category_name.replace("、", "，")
    out = []
    for _ in range(count):
        phrases = rng.sample(_MAJOR_PHRASES[major], 2) + rng.sample(_COMMON_PHRASES, 1)
        out.append(f"一般项目：{activity}；" + "；".join(phrases) + _SCOPE_TAIL)
    return out


PLATFORM_THEMES = (
    "数字内容",
    "影视",
    "动漫游戏",
    "创意设计",
    "数字出版",
    "网络文学",
    "艺术",
    "音乐",
    "电竞",
    "文旅融合",
    "非遗",
    "工业设计",
    "文化科技",
    "数字娱乐",
    "时尚",
)
PLATFORM_KIND_SUFFIX = {
    ("park", "national"): ("国家级文化产业示范基地", "国家文化和科技融合示范基地", "国家级文化产业示范园区"),
    ("park", "provincial"): ("省级文化产业示范园区", "文化创意产业园"),
    ("park", "municipal"): ("市级文化创意产业园", "文创园"),
    ("street", "provincial"): ("省级文化创意街区",),
    ("street", "municipal"): ("文化创意街区", "文化特色街区"),
    ("hq", "provincial"): ("文化企业总部平台",),
    ("hq", "municipal"): ("文创企业总部中心", "文化企业总部楼宇"),
    ("hq", "national"): ("文化企业总部平台",),
    ("town", "provincial"): ("文化特色小镇",),
    ("park", "none"): ("文创孵化空间",),
}

TALENT_FIELDS = (
    "网络文学",
    "影视",
    "动漫游戏",
    "音乐",
    "美术",
    "设计",
    "演艺",
    "出版",
    "非遗传承",
    "数字艺术",
    "文学",
    "书法",
)
