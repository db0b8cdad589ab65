from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from wenchuang.classify.models import ClassificationDecision
from wenchuang.classify.services import decision_review
from wenchuang.ingest.models import ImportBatch, TaxYear
from wenchuang.ingest.services import import_file
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.ingest.undo import batch_undo
from wenchuang.ingest.workbook import template_workbook
from wenchuang.registry.models import Enterprise, EnterpriseYear

REG_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "国民经济行业代码",
    "经营范围",
    "区划代码",
    "成立日期",
    "企业类型",
]


def reg_rows(n=3, start=1):
    return [
        [
            uscc(i),
            f"示例文化企业{i}",
            "8610" if i % 2 else "6513",
            "游戏软件开发；动漫设计" if i % 2 == 0 else "新闻采编",
            "330106",
            "2020年1月5日",
            "有限责任公司",
        ]
        for i in range(start, start + n)
    ]


def csv_bytes(header, rows, encoding="utf-8"):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(header, rows, sheet="工商登记", notes=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    if notes:
        wb.create_sheet("说明").append(["说明"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def state():
    return (
        list(
            Enterprise.objects.order_by("uscc").values_list(
                "uscc", "name", "gbt_code", "district_id", "culture_category_id"
            )
        ),
        list(
            EnterpriseYear.objects.order_by("enterprise_id", "year").values_list(
                "enterprise_id", "year", "revenue"
            )
        ),
    )


def imp(kind, data, name="f.csv", **kw):
    return import_file(kind=kind, data=data, file_name=name, recompute=False, **kw)


@pytest.fixture
def registered(reference):
    b = imp("registration", csv_bytes(REG_HEADER, reg_rows(4)))
    assert b.status == "done", b.message
    return b


# --- encodings, headers, units ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_it_reads_csv_in_the_encodings_chinese_excel_writes(reference, encoding):
    b = imp("registration", csv_bytes(REG_HEADER, reg_rows(3), encoding))
    assert (b.status, b.inserted) == ("done", 3)
    assert Enterprise.objects.get(uscc=uscc(1)).name == "示例文化企业1"


def test_it_accepts_english_headers_and_units_in_headers(registered):
    header = ["uscc", "year", "revenue(元)", "employees", "is_above_scale"]
    b = imp("annual", csv_bytes(header, [[uscc(1), "2022", "12,345,600", "1,200", "是"]]))
    assert b.status == "done", b.message
    ey = EnterpriseYear.objects.get(enterprise__uscc=uscc(1), year=2022)
    assert (ey.revenue, ey.employees, ey.is_above_scale) == (Decimal("1234.56"), 1200, True)


def test_it_applies_the_unit_option(registered):
    b = imp(
        "annual", csv_bytes(["统一社会信用代码", "年度", "营业收入"], [[uscc(1), 2022, "1.5"]]), unit="亿元"
    )
    assert b.status == "done"
    assert EnterpriseYear.objects.get(enterprise__uscc=uscc(1)).revenue == Decimal("15000.00")


def test_the_template_round_trips(reference):
    data = template_workbook("registration")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["工商登记", "说明"]
    b = imp("registration", data, name="template-registration.xlsx")
    assert (b.status, b.inserted, b.rejected) == ("done", 2, 0), b.message
    again = imp("registration", data, name="template-registration.xlsx")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("kind", ["annual", "tax", "social"])
def test_fact_templates_round_trip(reference, kind):
    imp("registration", template_workbook("registration"), name="r.xlsx")
    b = imp(kind, template_workbook(kind), name=f"{kind}.xlsx")
    assert (b.status, b.inserted, b.rejected) == ("done", 2, 0), b.message


def test_gb18030_csv_round_trips_through_the_error_file(reference):
    rows = reg_rows(2)
    rows[1][0] = rows[1][0][:17] + ("0" if rows[1][0][17] != "0" else "1")
    b = imp("registration", csv_bytes(REG_HEADER, rows, "gb18030"), mode="valid-only")
    assert (b.inserted, b.rejected) == (1, 1)
    ws = openpyxl.load_workbook(b.error_path)["错误行"]
    header, line = [c.value for c in ws[1]], [c.value for c in ws[2]]
    assert header[:4] == ["行号", "列", "值", "原因"]
    assert line[0] == 3 and line[1] == "统一社会信用代码"
    assert "统一社会信用代码校验位错误（第18位应为" in line[3]
    assert line[5] == "示例文化企业2"  # the original row follows


# --- every row accounted for, idempotence, undo -----------------------------------------------


def test_reimport_is_a_no_op(registered):
    before = state()
    b = imp("registration", csv_bytes(REG_HEADER, reg_rows(4)))
    assert (b.inserted, b.updated, b.unchanged, b.rejected) == (0, 0, 4, 0)
    assert state() == before


def test_it_updates_and_undo_restores(registered):
    annual = imp(
        "annual",
        csv_bytes(["统一社会信用代码", "年度", "营业收入"], [[uscc(1), 2022, "100"], [uscc(2), 2022, "50"]]),
    )
    snapshot = state()
    rows = reg_rows(4)
    rows[0][1] = "改名后的企业"
    rows.append(reg_rows(1, start=9)[0])
    b = imp("registration", csv_bytes(REG_HEADER, rows))
    assert (b.inserted, b.updated, b.unchanged) == (1, 1, 3)
    second = imp(
        "annual",
        csv_bytes(["统一社会信用代码", "年度", "营业收入"], [[uscc(1), 2022, "120"], [uscc(3), 2022, "7"]]),
    )
    assert (second.inserted, second.updated) == (1, 1)
    with pytest.raises(ValueError, match="请先撤销"):
        batch_undo(batch_id=annual.pk)
    batch_undo(batch_id=second.pk)
    batch_undo(batch_id=b.pk)
    assert state() == snapshot
    assert ImportBatch.objects.get(pk=b.pk).status == "undone"


def test_tax_import_is_idempotent_and_undoable(registered):
    data = csv_bytes(["uscc", "year", "tax_paid", "credit_grade"], [[uscc(1), 2023, "8.5", "A"]])
    b = imp("tax", data)
    assert b.inserted == 1
    assert imp("tax", data).unchanged == 1
    changed = imp("tax", csv_bytes(["uscc", "year", "tax_paid", "credit_grade"], [[uscc(1), 2023, "9", "B"]]))
    assert changed.updated == 1
    batch_undo(batch_id=changed.pk)
    assert TaxYear.objects.get().credit_grade == "A"
    batch_undo(batch_id=b.pk)
    assert not TaxYear.objects.exists()


def test_official_aggregates_go_to_the_statistics_engine(reference):
    from wenchuang.stats.models import OfficialFigure

    header = ["指标代码", "年度", "范围代码", "数值", "单位", "来源文件"]
    b = imp("official", csv_bytes(header, [["gdp", 2022, "", "18,753", "亿元", "2022年统计公报"]]))
    assert b.inserted == 1, b.message
    assert OfficialFigure.objects.get(code="gdp").value == Decimal("18753")
    bad = imp("official", csv_bytes(header, [["gdp", 2022, "330782", "1", "亿元", "x"]]))
    assert bad.status == "rejected"
    batch_undo(batch_id=b.pk)
    assert not OfficialFigure.objects.exists()


def test_official_figures_refuse_unknown_codes_and_record_reliability(reference):
    from wenchuang.stats.models import OfficialFigure

    header = ["指标代码", "年度", "范围代码", "数值", "单位", "数据可靠性", "来源文件"]
    bad = imp("official", csv_bytes(header, [["value_addd", 2022, "", "2100", "亿元", "", "公报"]]))
    assert bad.status == "rejected", bad.message
    ws = openpyxl.load_workbook(bad.error_path)["错误行"]
    problems = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "指标代码value_addd未知" in problems and "gdp" in problems
    wrong = imp("official", csv_bytes(header, [["gdp", 2022, "", "1", "亿元", "大概", "公报"]]))
    assert wrong.status == "rejected"
    assert not OfficialFigure.objects.exists()
    ok = imp(
        "official",
        csv_bytes(
            header,
            [
                ["gdp", 2022, "", "18,753", "亿元", "初步数", "公报"],
                ["gdp", 2021, "", "18,109", "亿元", "", "公报"],
            ],
        ),
    )
    assert ok.inserted == 2, ok.message
    got = dict(OfficialFigure.objects.values_list("year", "reliability"))
    assert got == {2022: "provisional", 2021: "verified"}


# --- bad files: clear message, database unchanged --------------------------------------------


def _assert_refused(b, status, text):
    assert b.status == status
    assert text in b.message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "e.csv", "文件为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "locked.xlsx", "密码保护"),
        (b"PK\x03\x04garbage", "broken.xlsx", "已损坏"),
        (
            "企业名称,区划代码\n甲,330106\n".encode(),
            "x.csv",
            "缺少必填列：统一社会信用代码、国民经济行业代码",
        ),
    ],
)
def test_it_refuses_unreadable_files(registered, data, name, message):
    before = state()
    b = imp("registration", data, name=name)
    _assert_refused(b, "failed", message)
    assert state() == before


def test_it_names_the_sheets_when_the_wrong_sheet_is_first(registered):
    before = state()
    b = imp("registration", xlsx_bytes(["随便", "什么"], [["a", "b"]], sheet="Sheet1"), name="w.xlsx")
    _assert_refused(b, "failed", "工作表“Sheet1”缺少必填列")
    assert "说明" in b.message and state() == before


def test_it_refuses_a_file_over_the_size_limit(registered, settings):
    settings.WENCHUANG_IMPORT_MAX_BYTES = 100  # stands in for a 2 GB upload
    before = state()
    b = imp("registration", csv_bytes(REG_HEADER, reg_rows(4)))
    _assert_refused(b, "failed", "超过上限")
    assert state() == before


def _rejected_reason(b, row=2):
    ws = openpyxl.load_workbook(b.error_path)["错误行"]
    found = {r[0].value: r[3].value for r in ws.iter_rows(min_row=2)}
    return found[row]


@pytest.mark.parametrize(
    ("kind", "header", "row", "reason"),
    [
        (
            "annual",
            ["统一社会信用代码", "年度", "营业收入"],
            [1, 2022, "一百万"],
            "营业收入：“一百万”不是数字",
        ),
        ("annual", ["统一社会信用代码", "年度", "营业收入"], [1, 2022, "-5"], "营业收入：不能为负数"),
        ("annual", ["统一社会信用代码", "年度", "营业收入"], [1, 1990, "5"], "1990年不在规划数据年度范围"),
        ("annual", ["统一社会信用代码", "年度", "营业收入"], [77, 2022, "5"], "尚未登记"),
        ("registration", REG_HEADER, [1, "甲", "8610", "", "330782", "", ""], "区划代码：“330782”不是本市"),
        (
            "tax",
            ["统一社会信用代码", "年度", "纳税额", "纳税信用等级"],
            [1, 2022, "5", "AA"],
            "不是纳税信用等级",
        ),
    ],
)
def test_it_rejects_bad_rows_with_a_reason_and_writes_nothing(registered, kind, header, row, reason):
    before = state()
    row = [uscc(row[0]), *row[1:]]
    b = imp(kind, csv_bytes(header, [row]))
    assert b.status == "rejected" and b.rejected == 1
    assert "未写入任何数据" in b.message
    assert reason in _rejected_reason(b)
    assert state() == before


def test_duplicate_uscc_in_the_file_is_rejected(registered):
    before = state()
    rows = reg_rows(2, start=5)
    rows.append(list(rows[0]))
    b = imp("registration", csv_bytes(REG_HEADER, rows))
    assert (b.status, b.rejected) == ("rejected", 2)
    assert "在文件中重复（另见第4行）：第2、4行都未写入" in _rejected_reason(b, 2)
    ws = openpyxl.load_workbook(b.error_path).worksheets[0]
    cells = {r[0]: r[2] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert cells == {2: rows[0][0], 4: rows[0][0]}  # the value cell names the repeated code
    assert state() == before


def test_formulas_in_cells_are_rejected(registered):
    before = state()
    data = xlsx_bytes(
        ["统一社会信用代码", "年度", "营业收入"], [[uscc(1), 2022, "=SUM(1,2)"]], sheet="年度统计"
    )
    b = imp("annual", data, name="f.xlsx")
    assert b.status == "rejected"
    assert "单元格含公式" in _rejected_reason(b)
    assert state() == before


def test_valid_only_writes_the_good_rows_and_accounts_for_all(registered):
    rows = [[uscc(1), 2022, "5"], [uscc(2), 2022, "abc"], [uscc(3), 2022, "7"]]
    b = imp("annual", csv_bytes(["统一社会信用代码", "年度", "营业收入"], rows), mode="valid-only")
    assert (b.status, b.inserted, b.rejected, b.total) == ("done", 2, 1, 3)


# --- classification on import -----------------------------------------------------------------


def test_review_decision_survives_a_reimport(reference):
    rows = [[uscc(1), "甲", "6513", "计算机软件开发；技术咨询", "330106", "", ""]]
    imp("registration", csv_bytes(REG_HEADER, rows))
    d = ClassificationDecision.objects.get(enterprise__uscc=uscc(1))
    assert d.category is None
    decision_review(user=None, decision_ids=[d.pk], category_code="0243")
    rows[0][1] = "甲（改名）"
    imp("registration", csv_bytes(REG_HEADER, rows))
    d.refresh_from_db()
    assert (d.category.code, d.method) == ("0243", "review")
    assert Enterprise.objects.get(uscc=uscc(1)).culture_category.code == "0243"
    rows[0][3] = "网络游戏开发"  # the scope changed: the classifier decides again
    imp("registration", csv_bytes(REG_HEADER, rows))
    d.refresh_from_db()
    assert d.method == "scope" and d.category.code == "0243" and "网络游戏开发" in d.reason


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_imports_and_undoes(reference, tmp_path, capsys):
    import json

    path = tmp_path / "reg.csv"
    path.write_bytes(csv_bytes(REG_HEADER, reg_rows(2)))
    call_command("import", "registration", str(path), "--json", "--no-recompute")
    out = json.loads(capsys.readouterr().out)
    assert (out["rows"], out["inserted"], out["rejected"]) == (2, 2, 0)
    call_command("import", "undo", str(out["batch"]), "--json")
    assert json.loads(capsys.readouterr().out)["status"] == "undone"
    assert not Enterprise.objects.exists()
    call_command("import", "registration", str(path), "--json", "--no-recompute")
    capsys.readouterr()
    call_command("classify", "explain", uscc(2), "--json")
    explained = json.loads(capsys.readouterr().out)
    assert explained["category"] == "0243" and "游戏软件开发" in explained["reason"]
    call_command("classify", "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"] == 2 and "review_queue" in stats


def test_a_concurrent_write_of_the_same_enterprises_fails_the_batch_cleanly(registered, monkeypatch):
    """New rows go in without ON CONFLICT. When another import committed the same enterprises between
    this batch's read and its write, the unique key stops the insert: the batch fails with a message
    and nothing of it is written. Simulated by hiding the existing rows from the read."""
    from wenchuang.ingest import writers

    before = state()
    monkeypatch.setattr(writers, "_where_in", lambda qs, field, keys: [])
    rows = reg_rows(2, start=3) + reg_rows(1, start=20)  # two exist already, one is new
    b = imp("registration", csv_bytes(REG_HEADER, rows))
    assert b.status == "failed"
    assert "其他批次写入了相同的企业" in b.message
    assert state() == before
    assert not Enterprise.objects.filter(uscc=uscc(20)).exists()
