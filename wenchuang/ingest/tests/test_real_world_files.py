"""Files as offices have them: the two sample exports in data/samples/ (a market-regulation extract from
before the 2021 change, a commercial enterprise-information export), header synonyms, the columns not
imported, and messages that name the file's own columns."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wenchuang.classify.models import ClassificationDecision
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.schema import KINDS, SYNONYMS_FILE, header_index, normalise_header
from wenchuang.ingest.services import import_file
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.registry.models import Enterprise

SAMPLES = Path(settings.DATA_DIR) / "samples"
EXTRACT = SAMPLES / "registration-extract-2020-sample.xlsx"
EXPORT = SAMPLES / "enterprise-info-export-sample.xlsx"

# What a reader of the 2021 notice would assign, firm by firm (name → today's district, original cell)
EXTRACT_DISTRICTS = {
    "杭州示例文化传媒有限公司": ("拱墅区", "330103"),  # 下城区 → 拱墅区
    "杭州示例动漫科技有限公司": ("钱塘区", "330104"),  # 江干区 下沙街道 → 钱塘区
    "杭州示例影视制作有限公司": ("上城区", "330104"),  # 江干区 凯旋街道 → 上城区
    "杭州示例演艺经纪有限公司": ("上城区", "330104"),  # 江干区, no 街道: default, flagged
    "杭州示例数字出版有限公司": ("临平区", "330110"),  # old 余杭区 临平街道 → 临平区
    "杭州示例财务软件有限公司": ("余杭区", ""),  # 余杭区 仓前街道 stays
    "杭州示例工艺美术有限公司": ("钱塘区", "330109"),  # 萧山区 义蓬街道 → 钱塘区
    "杭州示例书画院有限公司": ("西湖区", ""),
    "杭州示例湖滨文创有限公司": ("上城区", ""),
    "杭州示例运河文化有限公司": ("拱墅区", ""),
    "杭州示例信息技术有限公司": ("滨江区", ""),
    "杭州示例游戏网络有限公司": ("余杭区", ""),  # old 余杭区, no 街道: kept, flagged
}
EXPORT_DISTRICTS = {
    "杭州示例西湖文旅有限公司": "西湖区",
    "杭州示例之江数字科技有限公司": "西湖区",
    "杭州示例萧山印刷有限公司": "萧山区",
    "杭州示例钱塘会展有限公司": "钱塘区",
    "杭州示例临平音乐有限公司": "临平区",
    "杭州示例良渚文创有限公司": "余杭区",
    "杭州示例滨江广告有限公司": "滨江区",
    "杭州示例富春影视有限公司": "富阳区",
    "杭州示例拱墅书店有限公司": "拱墅区",
    "杭州示例上城网络有限公司": "上城区",
}


def _import(path: Path, **kw) -> ImportBatch:
    return import_file(
        kind="registration", data=path.read_bytes(), file_name=path.name, recompute=False, **kw
    )


def _firms() -> dict[str, Enterprise]:
    return {e.name: e for e in Enterprise.objects.select_related("district", "registration")}


def test_the_pre_2021_extract_imports_with_todays_districts(reference):
    b = _import(EXTRACT)
    assert (b.status, b.inserted, b.rejected) == ("done", 12, 0), b.message
    firms = _firms()
    assert {n: (e.district.name, e.registration.district_original) for n, e in firms.items()} == (
        EXTRACT_DISTRICTS
    )
    review_rows = {r: EXTRACT_ORDER[r - 2] for r in b.report["district_review"]}
    assert sorted(review_rows.values()) == ["杭州示例游戏网络有限公司", "杭州示例演艺经纪有限公司"]
    assert "请核实" in firms["杭州示例演艺经纪有限公司"].registration.district_note
    assert "下沙街道" in firms["杭州示例动漫科技有限公司"].registration.district_note
    assert b.report["district_mapped"] == 6


EXTRACT_ORDER = [
    "杭州示例文化传媒有限公司",
    "杭州示例动漫科技有限公司",
    "杭州示例影视制作有限公司",
    "杭州示例演艺经纪有限公司",
    "杭州示例数字出版有限公司",
    "杭州示例财务软件有限公司",
    "杭州示例工艺美术有限公司",
    "杭州示例书画院有限公司",
    "杭州示例湖滨文创有限公司",
    "杭州示例运河文化有限公司",
    "杭州示例信息技术有限公司",
    "杭州示例游戏网络有限公司",
]  # in file order, so that row n is EXTRACT[n - 2]


def test_the_extract_keeps_status_capital_and_classifies_with_the_scopes_exclusions(reference):
    _import(EXTRACT)
    firms = _firms()
    assert firms["杭州示例工艺美术有限公司"].status == "revoked"  # 吊销，未注销
    assert firms["杭州示例书画院有限公司"].status == "deregistered"
    assert firms["杭州示例动漫科技有限公司"].registration.registered_capital == Decimal("1000.00")
    finance = ClassificationDecision.objects.get(enterprise__name="杭州示例财务软件有限公司")
    assert finance.category_id is None and not finance.needs_review
    assert "“不含网络游戏”为除外条款，不作为依据" in finance.reason
    partial = ClassificationDecision.objects.get(enterprise__name="杭州示例信息技术有限公司")
    assert partial.needs_review and "行业代码651只到中类" in partial.reason


def test_the_commercial_export_imports_names_capital_and_industry_as_given(reference):
    b = _import(EXPORT)
    assert (b.status, b.inserted, b.rejected) == ("done", 10, 0), b.message
    firms = _firms()
    assert {n: e.district.name for n, e in firms.items()} == EXPORT_DISTRICTS
    assert firms["杭州示例萧山印刷有限公司"].registration.district_original == "萧山"
    digital = firms["杭州示例之江数字科技有限公司"]
    assert (digital.registration.registered_capital, digital.registration.capital_currency) == (
        Decimal("50.00"),
        "美元",
    )
    assert digital.gbt_code == "6513"  # "I6513 应用软件开发"
    assert firms["杭州示例钱塘会展有限公司"].gbt_code == "7284"  # a path ending in the 小类 name
    assert firms["杭州示例滨江广告有限公司"].gbt_code == "7251"  # a 小类 name
    assert firms["杭州示例萧山印刷有限公司"].gbt_code == "23"  # a 大类 name: partial, to review
    assert [firms[n].status for n in ("杭州示例滨江广告有限公司", "杭州示例拱墅书店有限公司")] == [
        "revoked",
        "moved_out",
    ]
    review = set(
        ClassificationDecision.objects.filter(needs_review=True).values_list("enterprise__name", flat=True)
    )
    assert review == {"杭州示例萧山印刷有限公司", "杭州示例上城网络有限公司"}
    notes = b.report["ignored_columns"]
    assert "列“所属行业”与列“国标行业”对应同一项，只导入了“国标行业”" in notes
    assert "列“法定代表人”不导入：本系统不保存法定代表人" in notes
    assert "未识别的列“最新年报地址”，是否为“注册地址”？（该列未导入）" in notes
    # every column of the file is either imported or listed
    header = [c.value for c in openpyxl.load_workbook(EXPORT).active[1]]
    imported = {"企业名称", "登记状态", "注册资本", "成立日期", "所属区县", "统一社会信用代码"}
    imported |= {"企业类型", "国标行业", "企业地址", "经营范围"}
    listed = {h for h in header if any(f"“{h}”" in line.split("与")[0] for line in notes)}
    assert listed | imported == set(header) and not listed & imported


def test_the_ignored_columns_show_on_the_command_line(reference, capsys):
    call_command("import", "registration", str(EXTRACT), "--no-recompute")
    out = capsys.readouterr().out
    assert "未导入的列（4）" in out
    assert "未识别的列“所属网格”，未导入" in out
    assert "列“登记机关”与列“行政区划代码”对应同一项" in out
    assert "区县归属待核实：2行（第5、13行）" in out


def test_the_ignored_columns_show_on_the_batch_page(data_manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data_manager_client.post(
            "/import/",
            {
                "kind": "registration",
                "mode": "all-or-nothing",
                "unit": "万元",
                "file": SimpleUploadedFile(EXPORT.name, EXPORT.read_bytes()),
            },
        )
    batch = ImportBatch.objects.get()
    page = data_manager_client.get(f"/import/batches/{batch.pk}/").content.decode()
    assert "以下12列未导入" in page
    assert "未识别的列“最新年报地址”，是否为“注册地址”？" in page


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_errors_name_the_files_own_column_and_the_workbook_lists_ignored_columns(reference):
    header = ["统一社会信用代码", "企业名称", "国标行业", "所属区县", "成立时间", "所属区县名称"]
    rows = [
        [uscc(1), "杭州示例甲有限公司", "8610", "宁波市鄞州区", "2020-01-01", "x"],
        [uscc(2), "杭州示例乙有限公司", "8610", "西湖区", "2020-13-01", "x"],
        [uscc(3), "杭州示例丙有限公司", "", "西湖区", "", "x"],
    ]
    b = import_file(kind="registration", data=_csv(header, rows), file_name="x.csv", recompute=False)
    assert (b.status, b.rejected) == ("rejected", 3)
    wb = openpyxl.load_workbook(b.error_path)
    found = {r[0]: r[1:4] for r in wb["错误行"].iter_rows(min_row=2, values_only=True)}
    assert found[2] == (
        "所属区县",
        "宁波市鄞州区",
        "所属区县：“宁波市鄞州区”不是本市（330100）的区县代码或名称",
    )
    assert found[3][0] == "成立时间" and found[3][2].startswith("成立时间：")
    assert found[4] == ("国标行业", None, "国标行业不能为空")
    lines = [r[0] for r in wb["未导入的列"].iter_rows(min_row=2, values_only=True)]
    assert lines == ["未识别的列“所属区县名称”，是否为“区划代码”？（该列未导入）"]
    for reason in (v[2] for v in found.values()):
        assert "区划代码" not in reason and "国民经济行业代码" not in reason and "成立日期" not in reason


def test_a_missing_required_column_names_the_unknown_ones_with_a_suggestion(reference):
    header = ["统一社会信用代码", "企业名称", "所属区县", "行业类别代码"]
    b = import_file(
        kind="registration",
        data=_csv(header, [[uscc(1), "甲", "西湖区", "8610"]]),
        file_name="x.csv",
        recompute=False,
    )
    assert b.status == "failed"
    assert "缺少必填列：国民经济行业代码" in b.message
    assert "未识别的列“行业类别代码”，是否为“国民经济行业代码”？" in b.message


def test_a_repeated_uscc_holds_back_every_row_of_its_group(reference):
    header = ["统一社会信用代码", "企业名称", "国标行业", "所属区县"]
    rows = [
        [uscc(1), "甲", "8610", "西湖区"],
        [uscc(2), "乙", "8610", "西湖区"],
        [uscc(1), "丙", "8610", "萧山"],
    ]
    b = import_file(
        kind="registration", data=_csv(header, rows), file_name="x.csv", mode="valid-only", recompute=False
    )
    assert (b.inserted, b.rejected) == (1, 2)
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["乙"]
    wb = openpyxl.load_workbook(b.error_path)
    found = {r[0]: r[1:4] for r in wb["错误行"].iter_rows(min_row=2, values_only=True)}
    assert found[2][:2] == ("统一社会信用代码", uscc(1)) and found[4][:2] == ("统一社会信用代码", uscc(1))
    assert "另见第4行" in found[2][2] and "另见第2行" in found[4][2]


def test_the_synonym_table_only_names_known_columns():
    rows = [r for r in csv.reader(SYNONYMS_FILE.open(encoding="utf-8")) if r and not r[0].startswith("#")]
    assert rows[0] == ["kind", "key", "header", "note"]
    for kind, key, header, _note in rows[1:]:
        assert kind == "*" or kind in KINDS, kind
        kinds = KINDS.values() if kind == "*" else [KINDS[kind]]
        if key != "-":
            assert any(key in {c.key for c in k.columns} for k in kinds), (kind, key)
            assert all(
                header_index(k).get(normalise_header(header)) == key
                for k in kinds
                if key in {c.key for c in k.columns}
            ), header


@pytest.mark.parametrize(
    ("header", "key"),
    [("所属区县", "district"), ("国标行业", "gbt_code"), ("住所", "address"), ("注册资本", "capital")],
)
def test_export_headers_are_recognised(header, key):
    assert header_index(KINDS["registration"])[normalise_header(header)] == key


def test_an_annual_report_export_imports_by_its_own_column_names(reference):
    header = ["统一社会信用代码", "企业名称", "所属区县", "国标行业"]
    import_file(
        kind="registration",
        data=_csv(header, [[uscc(1), "杭州示例甲有限公司", "西湖区", "8610"]]),
        file_name="r.csv",
        recompute=False,
    )
    header = [
        "企业名称",
        "统一社会信用代码",
        "年报年度",
        "营业总收入(万元)",
        "从业人数",
        "纳税总额",
        "资产总额",
    ]
    b = import_file(
        kind="annual",
        data=_csv(header, [["杭州示例甲有限公司", uscc(1), "2022", "1,250.5", "86", "12", "300"]]),
        file_name="a.csv",
        recompute=False,
    )
    assert (b.status, b.inserted) == ("done", 1), b.message
    year = Enterprise.objects.get(uscc=uscc(1)).years.get()
    assert (year.year, year.revenue, year.employees) == (2022, Decimal("1250.50"), 86)
    assert b.report["ignored_columns"] == [
        "列“企业名称”不导入：按统一社会信用代码匹配企业",
        "列“纳税总额”不导入：纳税额请按“税务”数据类型导入",
        "列“资产总额”不导入",
    ]


def test_undo_restores_the_capital_and_the_original_district(reference):
    from wenchuang.ingest.undo import batch_undo

    header = ["统一社会信用代码", "企业名称", "国标行业", "所属区县", "住所", "注册资本"]
    first = [[uscc(1), "杭州示例甲有限公司", "8610", "330104", "杭州市江干区下沙街道1号", "1000万元人民币"]]
    second = [[uscc(1), "杭州示例甲有限公司", "8610", "钱塘区", "杭州市钱塘区下沙街道1号", "50万美元"]]
    import_file(kind="registration", data=_csv(header, first), file_name="1.csv", recompute=False)
    b = import_file(kind="registration", data=_csv(header, second), file_name="2.csv", recompute=False)
    reg = Enterprise.objects.get().registration
    assert (reg.registered_capital, reg.capital_currency, reg.district_original) == (
        Decimal("50.00"),
        "美元",
        "钱塘区",
    )
    batch_undo(batch_id=b.pk)
    reg = Enterprise.objects.select_related("district").get().registration
    assert (reg.registered_capital, reg.capital_currency, reg.district_original) == (
        Decimal("1000.00"),
        "人民币",
        "330104",
    )
    assert reg.enterprise.district.name == "钱塘区" and "下沙街道" in reg.district_note
