"""The documents read back: the DOCX indicator table and the XLSX cells equal the indicator endpoint's
values and, where a figure is a plain sum, an independent raw SQL over the micro data (the registry's
enterprise-years); the PDF's text has the Chinese headings and numbers; two generations differ only in
the generation time; the final evaluation; a year without data; a district office's scope."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from docx import Document as read_docx
from openpyxl import load_workbook

from wenchuang.classify.models import CultureCategory
from wenchuang.registry.models import District, Enterprise, EnterpriseYear
from wenchuang.reports import sections, services
from wenchuang.reports.tests.conftest import PLAN, api_values, pdf_text

pytestmark = pytest.mark.django_db

T1 = datetime(2026, 1, 2, 3, 4, 5)
T2 = datetime(2027, 6, 7, 8, 9, 10)


def _docx_text(content: bytes) -> list[str]:
    doc = read_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return lines


def _docx_table(content: bytes, header_first: str) -> list[list[str]]:
    doc = read_docx(io.BytesIO(content))
    for t in doc.tables:
        rows = [[c.text for c in row.cells] for row in t.rows]
        if rows and rows[0][0] == header_first:
            return rows
    raise AssertionError(f"no table starting with {header_first}")


def _num(text: str) -> Decimal | None:
    return None if text == "—" else Decimal(text.replace(",", "").rstrip("%"))


def _xlsx_rows(content: bytes, sheet: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content))
    return list(wb[sheet].iter_rows(values_only=False))


def _dec(value: object) -> Decimal:
    return Decimal(str(value or 0))


def _micro(year: int) -> dict[str, object]:
    """The report's plain-sum figures recomputed from the enterprise-years themselves, by raw SQL that
    shares nothing with the rollup, the indicator values or the report (amounts in 万元): city totals,
    per district name and per 大类 code (up the classification tree; "" unclassified)."""
    qn = connection.ops.quote_name
    ey, e = qn(EnterpriseYear._meta.db_table), qn(Enterprise._meta.db_table)
    d, c = qn(District._meta.db_table), qn(CultureCategory._meta.db_table)
    output = "SUM(COALESCE(ey.total_output, ey.revenue))"  # total output; revenue where not reported
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {output}, SUM(CASE WHEN ey.is_above_scale THEN ey.employees END),"  # noqa: S608
            " SUM(CASE WHEN ey.is_listed OR ey.is_leading THEN 1 ELSE 0 END)"
            f" FROM {ey} ey WHERE ey.year = %s",
            [year],
        )
        total_output, above_employees, listed_leading = cur.fetchone()
        cur.execute(
            f"SELECT d.name, {output}, SUM(ey.revenue), SUM(ey.employees), COUNT(*) FROM {ey} ey"  # noqa: S608
            f" JOIN {e} e ON e.id = ey.enterprise_id JOIN {d} d ON d.id = e.district_id"
            " WHERE ey.year = %s GROUP BY d.name",
            [year],
        )
        districts = {name: (_dec(o), _dec(r), int(n or 0), int(k)) for name, o, r, n, k in cur.fetchall()}
        cur.execute(
            f"SELECT COALESCE(major.code, ''), SUM(ey.revenue), COUNT(*) FROM {ey} ey"  # noqa: S608
            f" JOIN {e} e ON e.id = ey.enterprise_id"
            f" LEFT JOIN {c} minor ON minor.id = e.culture_category_id"
            f" LEFT JOIN {c} middle ON middle.id = minor.parent_id"
            f" LEFT JOIN {c} major ON major.id = middle.parent_id"
            " WHERE ey.year = %s GROUP BY COALESCE(major.code, '')",
            [year],
        )
        majors = {code: (_dec(r), int(k)) for code, r, k in cur.fetchall()}
    return {
        "total_output": _dec(total_output),
        "above_employees": _dec(above_employees),
        "listed_leading": int(listed_leading or 0),
        "districts": districts,
        "majors": majors,
    }


def _shown(micro: Decimal, shown: Decimal | None, scale: str = "1") -> Decimal:
    """The micro figure scaled (万元 → 亿元: 0.0001) and rounded as the document shows it."""
    assert shown is not None
    return (micro * Decimal(scale)).quantize(shown)


def _sheet_table(content: bytes, sheet: str, header_first: str) -> list[list[object]]:
    """The rows of the XLSX table below the header row that starts with `header_first`."""
    rows = [list(r) for r in load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == header_first)
    return [r for r in rows[start + 1 :] if r and r[0] not in (None, "")]


def test_monitoring_report_in_three_formats_matches_the_api_and_the_micro_data(demo, tmp_path) -> None:
    api = api_values(2024)
    micro = _micro(2024)
    build = {
        fmt: services.report_build(kind="monitoring", plan_code=PLAN, year=2024, fmt=fmt, generated_at=T1)
        for fmt in ("docx", "xlsx", "pdf")
    }

    # DOCX: the indicator table's value column equals the API's value, indicator by indicator.
    rows = _docx_table(build["docx"].content, "指标")
    assert rows[0][3] == "2024年数值"
    by_name = {r[0]: r for r in rows[1:]}
    checked = 0
    for d in api.values():
        if d["name"] not in by_name or d["code"].endswith("_2035"):
            continue
        row = by_name[d["name"]]
        assert _num(row[3]) == (None if d["value"] is None else Decimal(d["value"])), d["code"]
        assert row[8] == (d["progress"]["status_label"] or "—")
        assert row[9].startswith(d["source_label"])
        if d["progress"]["completion"] is not None:
            assert row[6] == f"{d['progress']['completion'] * 100:.1f}%"
        if d["progress"]["target_ratio"] is not None:
            assert row[5] == f"{d['progress']['target_ratio'] * 100:.1f}%"
        checked += 1
    assert checked == 9
    # …and the plain sums among them equal the raw SQL over the enterprise-years, not the snapshot.
    by_code = {d["code"]: by_name[d["name"]] for d in api.values() if d["name"] in by_name}
    out = _num(by_code["total_output"][3])
    assert out == _shown(micro["total_output"], out, "0.0001") and out > 0
    jobs = _num(by_code["employment"][3])
    assert jobs == _shown(micro["above_employees"], jobs, "0.0001") and jobs > 0
    assert _num(by_code["listed_leading"][3]) == micro["listed_leading"] > 0
    text = "\n".join(_docx_text(build["docx"].content))
    va = Decimal(api["value_added"]["value"])
    assert f"2024年全市文化产业增加值{va:,.2f}亿元（微观数据计算），同比增长" in text
    for heading in (
        "一、总体情况",
        "二、主要指标监测",
        "三、区域发展",
        "四、产业结构",
        "五、市场主体",
        "六、惠企政策兑现",
        "十、数据说明",
    ):
        assert heading in text
    assert "重点项目库（征集、储备、扶持、开工、建成）：暂无数据" in text
    assert "西湖区" in text and "之江文化产业带" in text and "西部五区县（市）" in text

    # XLSX: numbers are numbers with number formats, equal to the API's values.
    ws = _xlsx_rows(build["xlsx"].content, "主要指标")
    header = [c.value for c in ws[1]]
    assert header[:4] == ["指标", "单位", "2020年基期值", "2024年数值"]
    xl = {r[0].value: r for r in ws[2:] if r[0].value}
    for d in api.values():
        if d["name"] not in xl or d["code"].endswith("_2035"):
            continue
        cell = xl[d["name"]][3]
        if d["value"] is None:
            assert cell.value is None
            continue
        assert isinstance(cell.value, float | int)
        assert Decimal(str(cell.value)) == Decimal(d["value"]), d["code"]
        assert cell.number_format in ("#,##0.00", "#,##0")
        completion = xl[d["name"]][6]
        if d["progress"]["completion"] is not None:
            assert completion.value == pytest.approx(d["progress"]["completion"])
            assert completion.number_format == "0.0%"
    wb = load_workbook(io.BytesIO(build["xlsx"].content))
    assert {"主要指标", "区县", "空间布局", "九大类", "优势产业", "数据说明"} <= set(wb.sheetnames)
    # the district and 大类 tables: every district and 大类 of the micro data, with its sums
    districts = _sheet_table(build["xlsx"].content, "区县", "区县")
    assert {r[0] for r in districts} == set(micro["districts"])
    for name, _va, _share, output, revenue, employees, enterprises in districts:
        m_output, m_revenue, m_employees, m_enterprises = micro["districts"][name]
        assert _dec(output) == _shown(m_output, _dec(output).quantize(Decimal("0.01")), "0.0001"), name
        assert _dec(revenue) == _shown(m_revenue, _dec(revenue).quantize(Decimal("0.01")), "0.0001"), name
        assert (employees, enterprises) == (m_employees, m_enterprises), name
    majors = _sheet_table(build["xlsx"].content, "九大类", "代码")
    assert len(micro["majors"]) > 1 and len(majors) == len(micro["majors"])
    for code, _name, _domain, _va, _share, revenue, enterprises in majors:
        m_revenue, m_enterprises = micro["majors"]["" if code == "00" else code]
        assert _dec(revenue) == _shown(m_revenue, _dec(revenue).quantize(Decimal("0.01")), "0.0001"), code
        assert enterprises == m_enterprises, code
    notes = {r[0]: r[1] for r in wb["数据说明"].iter_rows(min_row=3, values_only=True)}
    assert "增加值核算" in notes and "进度评估方法" in notes and "数据截至" in notes

    # PDF: Chinese headings and the numbers, as text (not boxes).
    pdf = pdf_text(build["pdf"].content, tmp_path)
    assert build["pdf"].content.startswith(b"%PDF")
    for heading in ("2024年全市文化产业统计监测报告", "一、总体情况", "二、主要指标监测", "十、数据说明"):
        assert heading in pdf
    assert f"{va:,.2f}" in pdf
    assert f"{Decimal(api['total_output']['value']):,.2f}" in pdf

    # Same data and parameters → the same text and cells; only the generation time (and the cover's
    # date, which is the generation day when no version fixed it) differs.
    again = services.report_build(kind="monitoring", plan_code=PLAN, year=2024, fmt="docx", generated_at=T2)
    first, second = _docx_text(build["docx"].content), _docx_text(again.content)
    differ = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert differ == [
        ("2026年1月2日", "2027年6月7日"),
        ("生成时间：2026-01-02 03:04:05", "生成时间：2027-06-07 08:09:10"),
    ]
    again_xlsx = services.report_build(
        kind="monitoring", plan_code=PLAN, year=2024, fmt="xlsx", generated_at=T2
    )
    wb1, wb2 = load_workbook(io.BytesIO(build["xlsx"].content)), load_workbook(io.BytesIO(again_xlsx.content))
    for name in wb1.sheetnames:
        if name == "封面":
            continue
        assert list(wb1[name].values) == list(wb2[name].values), name


def test_final_evaluation_states_achievement_first_year_cagr_and_2035_outlook(demo, tmp_path) -> None:
    built = services.report_build(kind="final-evaluation", plan_code=PLAN, fmt="docx", generated_at=T1)
    assert built.data.year == 2025
    api = api_values(2025)
    rows = _docx_table(built.content, "指标")
    assert rows[0][5:] == [
        "是否实现",
        "首次达标年份",
        "目标完成率",
        "2020年以来年均增速",
        "目标所需年均增速",
        "2035年展望：每年还需增长",
        "数据来源",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    for code in ("value_added", "total_output", "digital_share", "platforms"):
        d = api[code]
        row = by_name[d["name"]]
        assert _num(row[3]) == Decimal(d["value"])
        assert row[5] == ("已实现" if d["progress"]["target_met"] else "未实现")
        assert row[8] == f"{d['progress']['observed_rate'] * 100:.1f}%"
        assert row[9] == f"{d['progress']['required_rate'] * 100:.1f}%"
        assert row[11].startswith(d["source_label"])
        if d["progress"]["target_met"]:
            assert row[6].endswith("年")
        else:
            assert row[6] == "—"
    # The 2035 outlook of value added is the growth still needed per year for the 2035 target.
    rate = api["value_added_2035"]["progress"]["rate_still_required"]
    assert by_name[api["value_added"]["name"]][10] == f"{rate * 100:.1f}%"
    text = "\n".join(_docx_text(built.content))
    assert "面向2035年远景目标，全市文化产业增加值须达到4570亿元" in text

    # The drafted 存在问题: every unmet indicator with its gap and 目标完成率 (value ÷ target), computed
    # here from the API's values; at the end of the period nothing drafted says 进展顺利.
    drafts = sections.drafts(built.data)
    assert all("进展顺利" not in t for t in drafts.values())
    unmet = [
        d
        for d in api.values()
        if not d["code"].endswith("_2035")
        and d["value"] is not None
        and d["target"]["value"] is not None
        and not d["progress"]["target_met"]
    ]
    assert unmet, "the demo data leaves some indicators unmet"
    for d in unmet:
        value, target = Decimal(d["value"]), Decimal(d["target"]["value"])
        line = next(x for x in drafts["problems"].splitlines() if x.startswith(d["name"] + "未实现"))
        assert f"目标完成率{float(value / target) * 100:.1f}%" in line, line
        assert d["name"] + "未实现" in text  # the document carries the draft
    met = [d["name"] for d in api.values() if d["progress"]["target_met"] and not d["code"].endswith("_2035")]
    for name in met:
        assert name in drafts["achievements"]

    pdf = services.report_build(kind="final-evaluation", plan_code=PLAN, fmt="pdf", generated_at=T1)
    body = pdf_text(pdf.content, tmp_path)
    assert "“十四五”规划终期评估报告" in body.replace("\n", "") or "终期评估报告" in body
    for heading in ("二、主要成效", "三、规划指标完成情况", "四、2035年远景目标展望", "存在问题", "对策建议"):
        assert heading in body, heading
    assert "“十五五”思路" in body
    xlsx = services.report_build(kind="final-evaluation", plan_code=PLAN, fmt="xlsx", generated_at=T1)
    ws = load_workbook(io.BytesIO(xlsx.content))["终期评估"]
    xl = {r[0].value: r for r in ws.iter_rows(min_row=3) if r[0].value}
    cell = xl[api["value_added"]["name"]][8]
    assert cell.value == pytest.approx(api["value_added"]["progress"]["observed_rate"])
    assert cell.number_format == "0.0%"


def test_a_district_office_report_contains_only_its_districts(demo) -> None:
    built = services.report_build(
        kind="monitoring", plan_code=PLAN, year=2024, fmt="docx", district_codes=["330106"], generated_at=T1
    )
    text = "\n".join(_docx_text(built.content))
    assert "2024年西湖区文化产业统计监测报告" in text
    assert "西湖区" in text
    others = list(District.objects.exclude(code="330106").values_list("name", flat=True))
    # Other districts' names appear only inside a spatial unit's list of member districts, never as
    # a row of figures: no other district has a row in the district table.
    rows = _docx_table(built.content, "区县")
    assert [r[0] for r in rows[1:]] == ["西湖区"]
    assert "滨江区" not in "\n".join(r[0] for r in rows)
    leading = _docx_table(built.content, "序号")
    assert all(r[2] == "西湖区" for r in leading[1:])
    listed = _docx_table(built.content, "序号")
    assert not any(r[2] in others for r in leading[1:] + listed[1:])
    # The figures are the district's own: smaller than the city's.
    city = api_values(2024)
    va = next(r for r in built.data.indicators if r.code == "value_added")
    assert 0 < va.value < Decimal(city["value_added"]["value"])


def test_a_year_without_data_says_so(plan, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    for fmt in ("docx", "xlsx", "pdf"):
        built = services.report_build(kind="monitoring", plan_code=PLAN, year=2031, fmt=fmt, generated_at=T1)
        assert built.data.has_data is False
        if fmt == "docx":
            text = "\n".join(_docx_text(built.content))
            assert "2031年全市暂无文化产业统计数据" in text
            assert "暂无数据" in text
        elif fmt == "pdf":
            assert "暂无数据" in pdf_text(built.content, tmp_path)
        else:
            wb = load_workbook(io.BytesIO(built.content))
            assert any("暂无数据" in str(v) for v in wb["封面"].values for v in v if v)
    final = services.report_build(kind="final-evaluation", plan_code=PLAN, fmt="docx", generated_at=T1)
    assert "暂无数据" in "\n".join(_docx_text(final.content))
