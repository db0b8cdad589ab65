"""Seed one keyword rule per partial (*) GB/T code of the 2018 classification. Data, editable later."""

from django.db import migrations

SEED = [
    # gbt, culture 小类, include, exclude
    ("6513", "0243", "游戏 动漫 动画 多媒体 数字出版 电子出版物 网络游戏 手机游戏 虚拟现实 数字内容", ""),
    ("6319", "0244", "手机报 彩铃 彩信 网络音乐 移动电视 网络视听 数字音乐 文化信息", ""),
    (
        "6579",
        "0245",
        "数字内容 数字动漫 数字文化 文化资源数字化 数字博物馆 虚拟现实 增强现实 动漫 游戏 数字艺术",
        "",
    ),
    (
        "7484",
        "0321",
        "建筑设计 建筑工程设计 风景园林 园林设计 景观设计 室内设计 装饰设计 城市规划设计",
        "市政 公路 桥梁 水利 电力 通信",
    ),
    (
        "6432",
        "0450",
        "网络游戏 直播 网络视听 短视频 文化娱乐 演出票务 动漫 网络文学 在线音乐",
        "外卖 餐饮 家政 出行 打车",
    ),
    ("7212", "0510", "文化产业投资 文化投资 影视投资 艺术品投资 文化资产 文化产业基金 文创投资", ""),
    ("7211", "0521", "文化 传媒 影视 出版 文创 演艺", ""),
    ("7221", "0522", "文化产业园 文创园 创意园 文化园区 动漫产业园 影视基地 文化创意产业园", "工业园 物流园"),
    ("2221", "0711", "文化用纸 书写纸 印刷纸 新闻纸 铜版纸 胶版纸 书刊用纸", "包装纸 瓦楞 卫生纸 生活用纸"),
    ("7520", "0730", "版权 著作权 软件著作权 版权代理 版权登记", ""),
    ("8070", "0754", "婚庆 婚礼 庆典 典礼 礼仪服务", "婚姻介绍 婚介"),
    ("5181", "0755", "文化用品 工艺品 艺术品 图书 音像制品 演出 版权贸易 乐器 文物", ""),
    ("9521", "0772", "文化 艺术 文学 出版 摄影 书法 美术 戏剧 音乐 曲艺 舞蹈", ""),
    ("8399", "0774", "文化艺术 美术 书法 音乐 舞蹈 戏曲 绘画 艺术培训 乐器 声乐", "驾驶 职业技能 学历"),
    ("3963", "0832", "娱乐 航拍 消费级 表演 编队表演 灯光秀", "植保 农业 测绘 巡检"),
    ("5175", "0842", "舞台照明 舞台灯光 灯光音响 演艺设备 舞台设备 舞台灯具", ""),
    ("3961", "0953", "虚拟现实 VR AR 增强现实 智能眼镜 娱乐 游戏 文化", "医疗 健康监测"),
    ("3969", "0954", "智能音箱 娱乐 游戏 文化 智能玩具 虚拟现实 家庭影院 数字阅读", ""),
]


def seed(apps, schema_editor):
    KeywordRule = apps.get_model("classify", "KeywordRule")
    for gbt, cat, inc, exc in SEED:
        KeywordRule.objects.get_or_create(
            gbt_code=gbt, defaults={"category_code": cat, "include_keywords": inc, "exclude_keywords": exc}
        )


def unseed(apps, schema_editor):
    apps.get_model("classify", "KeywordRule").objects.filter(gbt_code__in=[s[0] for s in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("classify", "0002_keywordrule_reclassifyrun_classificationdecision_and_more")]
    operations = [migrations.RunPython(seed, unseed)]
