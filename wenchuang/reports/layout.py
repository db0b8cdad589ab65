"""The report as an ordered list of blocks (headings, paragraphs, tables, charts), built once from the
report data. The DOCX and PDF writers render the same blocks; the XLSX writer writes every table to its
own sheet with the raw numbers. So all three formats carry the same numbers and text. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from wenchuang.reports import narrative as n
from wenchuang.reports import sections as editable
from wenchuang.reports.data import FINAL, IndicatorRow, ReportData
from wenchuang.reports.execution import add_sections as add_execution_sections

TEXT, NUM, INT, RATIO, PCT = "text", "num", "int", "ratio", "pct"  # RATIO 0.794 → 79.4%; PCT 64.43 → 64.43%
NO_DATA = n.NO_DATA


@dataclass(frozen=True)
class Fixed:
    """A number shown with a given number of decimals (the indicator table mixes counts and amounts)."""

    value: Decimal | float | None
    places: int


@dataclass
class Col:
    header: str
    kind: str = TEXT
    width: float = 1.0  # relative, for the PDF and the spreadsheet


@dataclass
class Table:
    key: str  # the spreadsheet's sheet name
    title: str
    cols: list[Col]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Block:
    kind: str  # title, meta, h1, h2, p, table, chart, empty
    text: str = ""
    table: Table | None = None
    png: bytes = b""


def display(value: Any, kind: str) -> str:
    if isinstance(value, Fixed):
        return n.fmt_num(value.value, value.places)
    if value is None or value == "":
        return "—"
    if kind == NUM:
        return n.fmt_num(value, 2)
    if kind == INT:
        return n.fmt_num(value, 0)
    if kind == RATIO:
        return n.fmt_pct(float(value), 1)
    if kind == PCT:
        return n.fmt_share(Decimal(str(value)))
    return str(value)


@dataclass(frozen=True)
class Cover:
    """The cover: title, issuing office, date (成文日期) and what the document is based on."""

    title: str
    issuer: str
    date: str
    lines: list[str] = field(default_factory=list)
    state: str = ""  # 草稿 / 审核中 / 定稿, printed on the cover unless 定稿


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    cover: Cover | None = None

    def add(self, kind: str, text: str = "", **kw: Any) -> None:
        self.blocks.append(Block(kind, text, **kw))

    @property
    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]


def _val(row: IndicatorRow, value: Decimal | float | None) -> Fixed:
    return Fixed(value, n.places_for(row.unit))


def indicator_table(data: ReportData) -> Table:
    by = data.base_year
    cols = [
        Col("指标", width=3.2),
        Col("单位", width=0.6),
        Col(f"{by}年基期值", NUM),
        Col(f"{data.year}年数值", NUM),
        Col("规划目标", width=0.9),
        Col("目标完成率", RATIO),
        Col("增量完成度", RATIO),
        Col("时间进度", RATIO),
        Col("进度状态", width=1.1),
        Col("数据来源", width=1.0),
    ]
    rows = []
    for r in data.indicators:
        target = (
            f"{r.target_year}年{r.target_display}" if r.target_value is not None and data.is_city else "—"
        )
        rows.append(
            [
                r.name,
                r.unit,
                _val(r, r.base_value),
                _val(r, r.value),
                target,
                r.target_ratio if data.is_city else None,
                r.completion if data.is_city else None,
                r.time_share if data.is_city else None,
                n.status_text(r),
                r.source_label
                + (f"（{r.reliability_label}）" if r.is_provisional and r.reliability_label else ""),
            ]
        )
    note = "" if data.is_city else f"区县账号：数值按所辖区县计算；基期值为本区{by}年数值。"
    if data.is_city:
        note = "目标完成率＝最新值÷目标值；增量完成度＝（最新值−基期值）÷（目标值−基期值）。"
    return Table("主要指标", f"表1 {data.year}年{data.scope_label}“十四五”规划主要指标监测", cols, rows, note)


def evaluation_table(data: ReportData) -> Table:
    cols = [
        Col("指标", width=3.0),
        Col("单位", width=0.6),
        Col(f"{data.base_year}年基期值", NUM),
        Col(f"{data.year}年数值", NUM),
        Col("规划目标", width=0.9),
        Col("是否实现", width=0.7),
        Col("首次达标年份", width=0.8),
        Col("目标完成率", RATIO),
        Col(f"{data.base_year}年以来年均增速", RATIO),
        Col("目标所需年均增速", RATIO),
        Col(f"{data.vision_year}年展望：每年还需增长", RATIO),
        Col("数据来源", width=1.0),
    ]
    rows = []
    for e in data.evaluation:
        r = e.indicator
        rows.append(
            [
                r.name,
                r.unit,
                _val(r, r.base_value),
                _val(r, r.value),
                f"{r.target_year}年{r.target_display}"
                if r.target_value is not None and data.is_city
                else "—",
                n.evaluation_verdict(r),
                f"{e.first_year_met}年" if e.first_year_met else "—",
                r.target_ratio if data.is_city else None,
                r.observed_rate,
                r.required_rate if data.is_city else None,
                e.outlook_2035.rate_still_required if e.outlook_2035 else None,
                r.source_label
                + (f"（{r.reliability_label}）" if r.is_provisional and r.reliability_label else ""),
            ]
        )
    mixed = [e.indicator.name for e in data.evaluation if e.indicator.mixed_sources]
    note = "目标完成率＝最新值÷目标值。"
    if mixed:
        note += (
            "年均增速跨口径（规划公布的基期值与微观数据计算值）的指标：" + "、".join(mixed) + "，仅供参考。"
        )
    return Table("终期评估", f"表1 “十四五”规划指标终期评估（截至{data.year}年）", cols, rows, note)


def vision_table(data: ReportData) -> Table:
    cols = [
        Col("远景指标", width=2.6),
        Col("单位", width=0.6),
        Col(f"{data.year}年数值", NUM),
        Col(f"{data.vision_year}年目标", width=1.0),
        Col(f"{data.base_year}年以来年均增速", RATIO),
        Col("今后每年还需增长", RATIO),
        Col(f"按现趋势{data.vision_year}年预计", NUM),
        Col("状态", width=1.0),
    ]
    rows = [
        [
            v.name,
            v.unit,
            _val(v, v.value),
            v.target_display if data.is_city else "—",
            v.observed_rate,
            v.rate_still_required if data.is_city else None,
            v.projected_value if data.is_city else None,
            n.status_text(v),
        ]
        for v in data.vision
    ]
    return Table("2035远景", f"表 {data.vision_year}年远景目标展望", cols, rows)


def _districts_table(data: ReportData) -> Table:
    cols = [
        Col("区县", width=1.2),
        Col("文化产业增加值（亿元）", NUM),
        Col("占比", PCT),
        Col("总产出（亿元）", NUM),
        Col("营业收入（亿元）", NUM),
        Col("从业人员（人）", INT),
        Col("企业数（家）", INT),
    ]
    rows = [
        [
            d["name"],
            d["value_added"],
            d["share"],
            d["total_output"],
            d["revenue"],
            d["employees"],
            d["enterprises"],
        ]
        for d in data.districts
    ]
    return Table("区县", f"{data.year}年分区县文化产业主要数据", cols, rows)


def _spatial_table(data: ReportData) -> Table:
    cols = [
        Col("类型", width=0.9),
        Col("名称", width=2.2),
        Col("涉及区县", width=2.4),
        Col("总产出（亿元）", NUM),
        Col("增加值（亿元）", NUM),
        Col("总产出占全市", PCT),
        Col("规划目标", width=1.2),
        Col("状态", width=0.9),
    ]
    rows = [
        [
            s["kind"],
            s["name"],
            s["districts"],
            s["total_output"],
            s["value_added"],
            s["share"],
            s["target"] or "—",
            s.get("status") or "—",
        ]
        for s in data.spatial
    ]
    note = "空间布局单元相互重叠（按区县及园区平台归属），不可相加。"
    return Table("空间布局", f"{data.year}年两带、五廊、八组团及西部五区县（市）", cols, rows, note)


def _majors_table(data: ReportData) -> Table:
    cols = [
        Col("代码", width=0.5),
        Col("大类", width=2.0),
        Col("领域", width=0.8),
        Col("增加值（亿元）", NUM),
        Col("占比", PCT),
        Col("营业收入（亿元）", NUM),
        Col("企业数（家）", INT),
    ]
    rows = [
        [m["code"], m["name"], m["domain"], m["value_added"], m["share"], m["revenue"], m["enterprises"]]
        for m in data.majors
    ]
    return Table("九大类", f"{data.year}年文化产业九大类结构", cols, rows)


def _focus_table(data: ReportData, items: list[dict[str, Any]], key: str, title: str) -> Table:
    cols = [
        Col("产业", width=1.4),
        Col("对应小类", width=2.4),
        Col("增加值（亿元）", NUM),
        Col("占全部文化产业", PCT),
        Col("营业收入（亿元）", NUM),
    ]
    rows = [[i["name"], i["culture_codes"], i["value_added"], i["share"], i["revenue"]] for i in items]
    return Table(key, title, cols, rows)


def _enterprise_table(data: ReportData) -> Table:
    e = data.enterprises
    cols = [Col("项目", width=2.0), Col("数值", NUM), Col("单位", width=0.6)]
    rows = [
        ["纳入统计的文化企业", Fixed(e["enterprises"], 0), "家"],
        ["规模以上文化企业", Fixed(e["above_scale"], 0), "家"],
        ["规上文化企业营业收入", Fixed(e["above_scale_revenue"], 2), "亿元"],
        ["规上文化企业从业人员", Fixed(e["above_scale_employees"], 0), "人"],
        ["上市文化企业", Fixed(e["listed"], 0), "家"],
        ["文化领军企业", Fixed(e["leading"], 0), "家"],
    ]
    return Table("市场主体", f"{data.year}年文化市场主体", cols, rows)


def _list_table(data: ReportData, items: list[dict[str, Any]], key: str, title: str) -> Table:
    cols = [
        Col("序号", INT, width=0.4),
        Col("企业名称", width=3.0),
        Col("区县", width=0.8),
        Col("营业收入（亿元）", NUM),
        Col("从业人员（人）", INT),
    ]
    rows = [[i + 1, x["name"], x["district"], x["revenue"], x["employees"]] for i, x in enumerate(items)]
    return Table(key, title, cols, rows)


def _policy_table(data: ReportData) -> Table:
    cols = [
        Col("政策", width=2.6),
        Col("兑现方式", width=0.8),
        Col("符合条件（家）", INT),
        Col("申报（件）", INT),
        Col("审核通过", INT),
        Col("已兑现", INT),
        Col("兑现金额（万元）", NUM),
        Col("兑现中位天数", NUM),
        Col("超期", INT),
    ]
    rows = [
        [
            x["title"],
            x["mode"],
            x["qualifying"],
            x["applying"],
            x["approved"],
            x["paid"],
            x["amount"],
            x["median_days"],
            x["overdue"],
        ]
        for x in data.policy_effect
    ]
    return Table("惠企政策兑现", "惠企政策兑现情况（符合条件为按当前规则与数据的测算）", cols, rows)


def _notes_table(data: ReportData) -> Table:
    return Table(
        "数据说明",
        "数据说明",
        [Col("项目", width=1.2), Col("说明", width=6.0)],
        [[k, v] for k, v in data.notes],
    )


def _table_or_empty(doc: Document, table: Table, empty_text: str = "") -> None:
    if table.rows:
        doc.add("table", table=table)
    else:
        doc.add("empty", empty_text or f"{table.title}：{NO_DATA}。")


def _paragraphs(doc: Document, text: str) -> None:
    paras = [p.strip() for p in text.splitlines() if p.strip()]
    if not paras:
        doc.add("empty", "（本节尚未填写）")
    for p in paras:
        doc.add("p", p)


def build(
    data: ReportData,
    *,
    charts: list[tuple[str, bytes]],
    generated_at: datetime | None = None,
    sections: Mapping[str, str] | None = None,
    issuer: str = "",
    date: str = "",
    state: str = "",
) -> Document:
    """The blocks of the report. For the final evaluation the sections a person writes (主要成效,
    存在问题, 对策建议, “十五五”思路) come from `sections` (a report version's edited text) or, when
    none is given, from the drafts written from the numbers."""
    doc = Document(data.title)
    as_of = timezone.localtime(data.as_of).strftime("%Y-%m-%d %H:%M:%S") if data.as_of else NO_DATA
    doc.cover = Cover(
        title=data.title,
        issuer=issuer,
        date=date,
        lines=[
            f"依据：《{data.plan_name}》 · 范围：{data.scope_label} · 数据截至：{as_of}",
            "生成时间：" + (generated_at.strftime("%Y-%m-%d %H:%M:%S") if generated_at else "—"),
        ],
        state=state,
    )
    doc.add("title", data.title)
    section = _Numberer()
    written: Mapping[str, str] = {}
    if data.kind == FINAL:
        written = {**editable.drafts(data), **(sections or {})}

    def chart(prefix: str) -> None:
        for caption, png in charts:
            if caption.startswith(prefix):
                doc.add("chart", caption, png=png)

    doc.add("h1", section("总体情况" if data.kind != FINAL else "总体评价"))
    for para in n.summary(data):
        doc.add("p", para)

    if data.kind == FINAL:
        doc.add("h1", section(editable.TITLES[editable.ACHIEVEMENTS]))
        _paragraphs(doc, written[editable.ACHIEVEMENTS])
        doc.add("h1", section("规划指标完成情况"))
        if data.has_data:
            doc.add("table", table=evaluation_table(data))
        else:
            doc.add("empty", f"{data.year}年{NO_DATA}，无法评估。")
        doc.add("h1", section(f"{data.vision_year}年远景目标展望"))
        _table_or_empty(doc, vision_table(data) if data.has_data else Table("2035远景", "远景目标", [], []))
        chart("图1")
    else:
        doc.add("h1", section("主要指标监测"))
        doc.add("table", table=indicator_table(data))
        chart("图1")

    doc.add("h1", section("区域发展"))
    doc.add("h2", "（一）分区县")
    _table_or_empty(doc, _districts_table(data))
    chart("图2")
    doc.add("h2", "（二）两带、五廊、八组团与西部五区县（市）")
    _table_or_empty(doc, _spatial_table(data))
    west = next((s for s in data.spatial if s["code"] == "western-five"), None)
    if west is not None and west.get("share") is not None:
        doc.add(
            "p", f"西部五区县（市）文化产业总产出占全市比重为{n.fmt_share(west['share'])}（2020年为4%）。"
        )

    doc.add("h1", section("产业结构"))
    doc.add("h2", "（一）文化产业九大类")
    _table_or_empty(doc, _majors_table(data))
    chart("图3")
    doc.add("h2", "（二）五大优势产业")
    _table_or_empty(doc, _focus_table(data, data.advantage, "优势产业", f"{data.year}年五大优势产业"))
    doc.add("h2", "（三）新兴业态与数字文化")
    _table_or_empty(doc, _focus_table(data, data.emerging, "新兴业态", f"{data.year}年新兴业态"))
    if data.digital:
        d = data.digital
        doc.add(
            "p",
            f"数字文化（新业态16个小类）企业{n.fmt_num(d['enterprises'], 0)}家（企业年度记录），"
            f"营业收入{n.fmt_num(d['revenue'])}亿元，"
            f"占全部文化企业营业收入的{n.fmt_share(d['revenue_share'])}；增加值{n.fmt_num(d['value_added'])}亿元，"
            f"占{n.fmt_share(d['va_share'])}。",
        )
    chart("图4")

    doc.add("h1", section("市场主体"))
    if data.enterprises:
        doc.add("table", table=_enterprise_table(data))
    else:
        doc.add("empty", f"市场主体：{NO_DATA}。")
    _table_or_empty(doc, _list_table(data, data.leading, "领军企业", "文化领军企业（按营业收入前10家）"))
    _table_or_empty(doc, _list_table(data, data.listed, "上市企业", "上市文化企业（按营业收入前10家）"))

    doc.add("h1", section("惠企政策兑现"))
    _table_or_empty(doc, _policy_table(data), "惠企政策兑现：暂无数据。")

    add_execution_sections(doc, data, section)  # 重点项目, 重点任务, 报送完整性 (reports/execution.py)

    if data.kind == FINAL:
        for key in editable.CLOSING:
            doc.add("h1", section(editable.TITLES[key]))
            _paragraphs(doc, written[key])

    doc.add("h1", section("数据说明"))
    doc.add("table", table=_notes_table(data))
    return doc


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (section numbers of a 公文, 1–99)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not 0 < n < 100:
        raise ValueError(n)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")


class _Numberer:
    def __init__(self) -> None:
        self.i = 0

    def __call__(self, text: str) -> str:
        self.i += 1
        return f"{chinese_numeral(self.i)}、{text}"


Render = Callable[[Document], bytes]
