"""Build the two sample export files in data/samples/ (made-up 示例 firms, valid check characters).

- registration-extract-2020-sample.xlsx: shaped like a market-regulation registration extract made
  before the April 2021 change: 行政区划代码 with old codes (330103 下城, 330104 江干, old 330110
  余杭), 住所 with 街道, 注册资本(万元), 登记机关, 国民经济行业代码 (one only to 中类), 法定代表人.
- enterprise-info-export-sample.xlsx: shaped like a commercial enterprise-information service's
  export: 所属省份/城市/区县 with names (萧山, 杭州市西湖区 …), 注册资本 "1000万元人民币"/"50万美元",
  登记状态 words, 所属行业 (门类) and 国标行业 (name, code or path), 参保人数, contact columns.

Run: .venv/bin/python scripts/build_import_samples.py  (rewrites both files; deterministic)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wenchuang.core.uscc import make_valid  # noqa: E402

OUT = ROOT / "data" / "samples"


def uscc(n: int, district: str = "330100") -> str:
    return make_valid(f"91{district}MA2J{n:04d}0")


EXTRACT_HEADER = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "企业类型",
    "注册资本(万元)",
    "成立日期",
    "登记机关",
    "登记状态",
    "住所",
    "行政区划代码",
    "国民经济行业代码",
    "经营范围",
    "所属网格",
]
# (code, name, legal rep, type, capital, founded, authority, status, address, district, gbt, scope)
EXTRACT = [
    (
        "杭州示例文化传媒有限公司",
        "330103",
        "杭州市下城区武林街道体育场路1号",
        "7251",
        "互联网广告设计、制作、代理、发布",
        "存续（在营、开业、在册）",
        "杭州市下城区市场监督管理局",
    ),
    (
        "杭州示例动漫科技有限公司",
        "330104",
        "浙江省杭州市江干区下沙街道文泽路2号",
        "6513",
        "动漫设计；游戏软件开发；数字出版物制作",
        "存续（在营、开业、在册）",
        "杭州市江干区市场监督管理局",
    ),
    (
        "杭州示例影视制作有限公司",
        "330104",
        "杭州市江干区凯旋街道凤起东路3号",
        "8730",
        "影视节目制作、发行",
        "存续（在营、开业、在册）",
        "杭州市江干区市场监督管理局",
    ),
    (
        "杭州示例演艺经纪有限公司",
        "330104",
        "杭州市江干区景昙路9号",
        "9053",
        "演出经纪；文艺表演",
        "存续（在营、开业、在册）",
        "杭州市江干区市场监督管理局",
    ),
    (
        "杭州示例数字出版有限公司",
        "330110",
        "杭州市余杭区临平街道世纪大道5号",
        "8625",
        "电子出版物出版",
        "存续（在营、开业、在册）",
        "杭州市余杭区市场监督管理局",
    ),
    (
        "杭州示例财务软件有限公司",
        "330110",
        "杭州市余杭区仓前街道文一西路6号",
        "6513",
        "财务软件开发（不含网络游戏）；技术服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        "存续（在营、开业、在册）",
        "杭州市余杭区市场监督管理局",
    ),
    (
        "杭州示例工艺美术有限公司",
        "330109",
        "杭州市萧山区义蓬街道义蓬路7号",
        "2431",
        "雕塑工艺品制造",
        "吊销，未注销",
        "杭州市萧山区市场监督管理局",
    ),
    (
        "杭州示例书画院有限公司",
        "330106",
        "杭州市西湖区北山街道北山路8号",
        "8890",
        "书画艺术交流活动策划",
        "注销",
        "杭州市西湖区市场监督管理局",
    ),
    (
        "杭州示例湖滨文创有限公司",
        "330102",
        "杭州市上城区湖滨街道东坡路9号",
        "7350",
        "文化艺术交流活动策划",
        "存续（在营、开业、在册）",
        "杭州市上城区市场监督管理局",
    ),
    (
        "杭州示例运河文化有限公司",
        "330105",
        "杭州市拱墅区小河街道小河路10号",
        "8870",
        "群众文化活动",
        "存续（在营、开业、在册）",
        "杭州市拱墅区市场监督管理局",
    ),
    (
        "杭州示例信息技术有限公司",
        "330108",
        "杭州市滨江区长河街道江南大道11号",
        "651",
        "软件开发；信息技术咨询服务",
        "存续（在营、开业、在册）",
        "杭州高新技术产业开发区（滨江）市场监督管理局",
    ),
    (
        "杭州示例游戏网络有限公司",
        "330110",
        "杭州市余杭区五常大道12号",
        "6513",
        "网络游戏开发；动漫设计",
        "存续（在营、开业、在册）",
        "杭州市余杭区市场监督管理局",
    ),
]

EXPORT_HEADER = [
    "企业名称",
    "登记状态",
    "法定代表人",
    "注册资本",
    "实缴资本",
    "成立日期",
    "所属省份",
    "所属城市",
    "所属区县",
    "电话",
    "邮箱",
    "统一社会信用代码",
    "纳税人识别号",
    "参保人数",
    "企业类型",
    "所属行业",
    "国标行业",
    "曾用名",
    "网址",
    "企业地址",
    "最新年报地址",
    "经营范围",
]
# (name, status, capital, founded, district cell, industry section, 国标行业, address, scope)
EXPORT = [
    (
        "杭州示例西湖文旅有限公司",
        "存续",
        "1000万元人民币",
        "2019-03-15",
        "西湖区",
        "文化、体育和娱乐业",
        "8890",
        "浙江省杭州市西湖区转塘街道象山路1号",
        "文化艺术交流活动策划；会议及展览服务",
    ),
    (
        "杭州示例之江数字科技有限公司",
        "在业",
        "50万美元",
        "2020-07-01",
        "杭州市西湖区",
        "信息传输、软件和信息技术服务业",
        "I6513 应用软件开发",
        "浙江省杭州市西湖区之江路2号",
        "游戏软件开发；动漫设计；数字内容服务",
    ),
    (
        "杭州示例萧山印刷有限公司",
        "存续",
        "300万元",
        "2012-11-20",
        "萧山",
        "制造业",
        "印刷和记录媒介复制业",
        "浙江省杭州市萧山区北干街道金城路3号",
        "包装装潢印刷品印刷",
    ),
    (
        "杭州示例钱塘会展有限公司",
        "在业",
        "500万元人民币",
        "2021-06-18",
        "钱塘区",
        "租赁和商务服务业",
        "商务服务业 > 会议、展览及相关服务 > 文化会展服务",
        "浙江省杭州市钱塘区白杨街道4号大街5号",
        "会议及展览服务",
    ),
    (
        "杭州示例临平音乐有限公司",
        "存续",
        "100万元人民币",
        "2022-01-10",
        "临平区",
        "文化、体育和娱乐业",
        "文化艺术业 > 其他文化艺术业",
        "浙江省杭州市临平区南苑街道人民大道6号",
        "音乐创作；文艺表演",
    ),
    (
        "杭州示例良渚文创有限公司",
        "存续",
        "200万元人民币",
        "2021-09-09",
        "余杭区",
        "文化、体育和娱乐业",
        "8870",
        "浙江省杭州市余杭区良渚街道古墩路7号",
        "群众文化活动",
    ),
    (
        "杭州示例滨江广告有限公司",
        "吊销，未注销",
        "50万元人民币",
        "2015-05-05",
        "滨江区",
        "租赁和商务服务业",
        "互联网广告服务",
        "浙江省杭州市滨江区西兴街道江陵路8号",
        "互联网广告服务",
    ),
    (
        "杭州示例富春影视有限公司",
        "注销",
        "800万元人民币",
        "2016-02-29",
        "富阳区",
        "文化、体育和娱乐业",
        "8730",
        "浙江省杭州市富阳区银湖街道9号",
        "影视节目制作",
    ),
    (
        "杭州示例拱墅书店有限公司",
        "迁出",
        "30万元人民币",
        "2010-10-10",
        "杭州市拱墅区",
        "批发和零售业",
        "5243",
        "浙江省杭州市拱墅区武林街道10号",
        "图书零售",
    ),
    (
        "杭州示例上城网络有限公司",
        "存续",
        "1000万元人民币",
        "2023-04-01",
        "上城区",
        "信息传输、软件和信息技术服务业",
        "互联网和相关服务",
        "浙江省杭州市上城区四季青街道11号",
        "网络技术服务",
    ),
]


def build() -> list[Path]:
    import openpyxl

    OUT.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "登记信息"
    ws.append(EXTRACT_HEADER)
    for i, (name, district, address, gbt, scope, status, authority) in enumerate(EXTRACT, start=1):
        ws.append(
            [
                i,
                uscc(i, district),
                name,
                "张示例",
                "有限责任公司(自然人投资或控股)",
                [100, 500, 1000, 50][i % 4],
                datetime(2010 + i, (i % 12) + 1, 10),
                authority,
                status,
                address,
                district,
                gbt,
                scope,
                f"网格{i:02d}",
            ]
        )
    extract = OUT / "registration-extract-2020-sample.xlsx"
    wb.save(extract)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业列表"
    ws.append(EXPORT_HEADER)
    for i, (name, status, capital, founded, district, section, industry, address, scope) in enumerate(
        EXPORT, start=1
    ):
        code = uscc(100 + i, "330100")
        ws.append(
            [
                name,
                status,
                "李示例",
                capital,
                "-",
                founded,
                "浙江省",
                "杭州市",
                district,
                "0571-0000000" + str(i % 10),
                f"contact{i}@example.com",
                code,
                code,
                [3, 15, 0, 42, 8, 6, 0, 0, 2, 20][i - 1],
                "有限责任公司(自然人投资或控股)",
                section,
                industry,
                "-",
                "-",
                address,
                address,
                scope,
            ]
        )
    export = OUT / "enterprise-info-export-sample.xlsx"
    wb.save(export)
    return [extract, export]


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
