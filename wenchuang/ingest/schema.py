"""The five import kinds and their columns: Chinese header, English aliases, type, required.

Templates, header matching, validation and the rejected-rows file all read these definitions."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from wenchuang.ingest.values import clean_text, unit_from_header

SYNONYMS_FILE = Path(__file__).with_name("data") / "header-synonyms.csv"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    type: str  # text | uscc | money | decimal | int | date | year | bool | grade | gbt | district
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: object = ""
    max_length: int = 0


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # upsert key (column keys)
    notes: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _uscc(example: str) -> Column:
    return Column(
        "uscc",
        "统一社会信用代码",
        "uscc",
        True,
        ("uscc", "credit_code", "社会信用代码", "信用代码"),
        "18位，末位为校验位",
        example,
    )


def _year(example: int = 2023) -> Column:
    return Column(
        "year", "年度", "year", True, ("year", "年份", "统计年度"), "四位年份，须在规划期内", example
    )


REGISTRATION = Kind(
    "registration",
    "工商登记",
    (
        _uscc("91330106MA2B0Q0X4K"),
        Column(
            "name",
            "企业名称",
            "text",
            True,
            ("name", "enterprise_name", "名称"),
            "",
            "杭州示例文化传媒有限公司",
            200,
        ),
        Column(
            "gbt_code",
            "国民经济行业代码",
            "gbt",
            True,
            ("gbt_code", "industry_code", "行业代码"),
            "GB/T 4754-2017代码（如6513，也可写“I6513 应用软件开发”）或行业名称；"
            "只到大类/中类的代码分类需审核",
            "6513",
        ),
        Column(
            "business_scope",
            "经营范围",
            "text",
            False,
            ("business_scope", "scope"),
            "用于判定部分属于文化产业(*)的行业",
            "游戏软件开发；动漫设计；数字出版物制作",
        ),
        Column(
            "district",
            "区划代码",
            "district",
            False,
            ("district_code", "district", "所在区县代码"),
            "杭州市区县的6位代码或名称（西湖区、杭州市西湖区、萧山）；2021年前的旧代码/旧区名按区划调整对照表换算；与注册地址二选一",
            "330106",
        ),
        Column(
            "address",
            "注册地址",
            "text",
            False,
            ("registered_address", "address", "住所"),
            "未填区划代码时按地址中的区县名称判定",
            "浙江省杭州市西湖区文三路1号",
            300,
        ),
        Column(
            "founded_on",
            "成立日期",
            "date",
            False,
            ("founded_on", "founding_date", "成立时间"),
            "",
            "2020-01-05",
        ),
        Column(
            "status",
            "登记状态",
            "status",
            False,
            ("status", "经营状态"),
            "存续/在营/开业、注销、吊销、迁出；空为存续",
            "存续",
        ),
        Column(
            "enterprise_type", "企业类型", "text", False, ("enterprise_type", "type"), "", "有限责任公司", 100
        ),
        Column(
            "capital",
            "注册资本",
            "capital",
            False,
            ("registered_capital", "capital"),
            "可带单位和币种，如“1000万元人民币”“50万美元”；未注明单位按列名中的单位，再按万元",
            "1000万元人民币",
        ),
    ),
    ("uscc",),
    (
        "区划代码与注册地址至少填一项。",
        "同一文件中统一社会信用代码不能重复：重复的各行都不写入（无法判断哪一行是准确的），错误行文件列出每组重复的行号。",
    ),
)

ANNUAL = Kind(
    "annual",
    "年度统计",
    (
        _uscc("91330106MA2B0Q0X4K"),
        _year(),
        Column("revenue", "营业收入", "money", False, ("revenue", "营业收入合计"), "不能为负数", "1,250.5"),
        Column("labor_compensation", "劳动者报酬", "money", False, ("labor_compensation",), "", 320),
        Column("net_production_tax", "生产税净额", "money", False, ("net_production_tax",), "", 45.2),
        Column("depreciation", "固定资产折旧", "money", False, ("depreciation",), "", 60),
        Column("operating_surplus", "营业盈余", "money", False, ("operating_surplus",), "", 110),
        Column("total_output", "总产出", "money", False, ("total_output",), "", 1300),
        Column(
            "employees", "从业人员", "int", False, ("employees", "从业人员期末人数", "从业人数"), "人", 86
        ),
        Column("exports", "出口额", "money", False, ("exports", "出口交货值"), "", 0),
        Column(
            "is_above_scale",
            "规模以上",
            "bool",
            False,
            ("is_above_scale", "above_scale", "是否规上"),
            "是/否",
            "是",
        ),
    ),
    ("uscc", "year"),
    ("金额单位默认万元；可在列名中注明，如“营业收入（元）”，或导入时选择单位。", "企业须先导入工商登记。"),
)

TAX = Kind(
    "tax",
    "税务",
    (
        _uscc("91330106MA2B0Q0X4K"),
        _year(),
        Column("tax_paid", "纳税额", "money", True, ("tax_paid", "实缴税额", "纳税总额"), "不能为负数", 85.3),
        Column(
            "credit_grade",
            "纳税信用等级",
            "grade",
            False,
            ("credit_grade", "tax_credit_grade", "信用等级"),
            "A/B/M/C/D",
            "A",
        ),
    ),
    ("uscc", "year"),
    ("企业须先导入工商登记。",),
)

SOCIAL = Kind(
    "social",
    "社保",
    (
        _uscc("91330106MA2B0Q0X4K"),
        _year(),
        Column(
            "insured", "参保人数", "int", True, ("insured_employees", "insured", "社保参保人数"), "人", 80
        ),
    ),
    ("uscc", "year"),
    ("企业须先导入工商登记。",),
)

OFFICIAL = Kind(
    "official",
    "官方汇总数据",
    (
        Column(
            "indicator",
            "指标代码",
            "slug",
            True,
            ("indicator", "code", "指标"),
            "规划指标代码或序列代码，如gdp",
            "gdp",
        ),
        _year(2022),
        Column(
            "area",
            "范围代码",
            "text",
            False,
            ("area", "area_code", "区划代码"),
            "全市留空；区县填6位区划代码",
            "",
        ),
        Column("value", "数值", "decimal", True, ("value", "数据"), "", "18,753"),
        Column("unit", "单位", "text", True, ("unit",), "如亿元、%、家", "亿元", 20),
        Column(
            "reliability",
            "数据可靠性",
            "text",
            False,
            ("reliability", "可靠性", "数据性质"),
            "正式数/初步数/估算数，留空为正式数",
            "正式数",
            12,
        ),
        Column(
            "source",
            "来源文件",
            "text",
            True,
            ("source_document", "source", "来源"),
            "须注明",
            "2022年杭州市国民经济和社会发展统计公报",
            300,
        ),
    ),
    ("indicator", "year", "area"),
    ("每个数值须注明来源文件。", "指标代码须为已载入规划的指标代码或通用序列代码（如gdp）。"),
)

KINDS: dict[str, Kind] = {k.code: k for k in (REGISTRATION, ANNUAL, TAX, SOCIAL, OFFICIAL)}


@lru_cache(maxsize=1)
def _synonym_rows() -> tuple[tuple[str, str, str, str], ...]:
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
    return tuple((r[0], r[1], r[2], r[3] if len(r) > 3 else "") for r in rows[1:])


def synonyms(kind: Kind) -> list[tuple[str, str, str]]:
    """(key or "-", header, note) of the synonym table (`ingest/data/header-synonyms.csv`) for `kind`."""
    keys = {c.key for c in kind.columns}
    return [
        (key, header, note)
        for k, key, header, note in _synonym_rows()
        if (k == kind.code or k == "*") and (key == "-" or key in keys)
    ]


def header_index(kind: Kind) -> dict[str, str]:
    """Normalised header text → column key (Chinese name, English key, aliases, the synonym table)."""
    out: dict[str, str] = {}
    for key, header, _note in synonyms(kind):
        if key != "-":
            out[normalise_header(header)] = key
    for col in kind.columns:
        for name in (col.zh, col.key, *col.aliases):
            out[normalise_header(name)] = col.key
    return out


def header_rank(kind: Kind) -> Callable[[str], int]:
    """Preference among headers that mean the same column: the schema's own names first, then the
    synonym table in its order (国标行业 before 所属行业)."""
    order: dict[str, int] = {}
    for col in kind.columns:
        for name in (col.zh, col.key, *col.aliases):
            order.setdefault(normalise_header(name), len(order))
    for key, header, _note in synonyms(kind):
        if key != "-":
            order.setdefault(normalise_header(header), len(order))

    def rank(header: str) -> int:
        name, _unit = unit_from_header(header)
        return min(order.get(normalise_header(name), 10**6), order.get(normalise_header(header), 10**6))

    return rank


def not_imported(kind: Kind) -> dict[str, str]:
    """Normalised header → why a recognised column is not imported (法定代表人, 所属城市 …)."""
    index = header_index(kind)
    return {
        normalise_header(h): note or "不导入"
        for key, h, note in synonyms(kind)
        if key == "-" and normalise_header(h) not in index
    }


def normalise_header(text: str) -> str:
    return (
        clean_text(text)
        .lower()
        .replace(" ", "")
        .replace("_", "")
        .replace("*", "")
        .replace("（", "(")
        .replace("）", ")")
    )
