"""`wenchuang report …`: exit codes and messages for bad parameters; a file written for good ones."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from wenchuang.reports.tests.conftest import PLAN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["monitoring", "--plan", "no-such-plan", "--year", "2024", "--format", "docx"],
            "规划“no-such-plan”不存在",
        ),
        (["monitoring", "--plan", PLAN, "--year", "abcd", "--format", "docx"], "年度“abcd”不是有效的年份"),
        (["monitoring", "--plan", PLAN, "--year", "1850", "--format", "docx"], "年度1850超出范围"),
        (["monitoring", "--plan", PLAN, "--year", "2024", "--format", "odt"], "不支持的格式“odt”"),
        (["monitoring", "--plan", PLAN, "--format", "docx"], "须指定 --year"),
        (
            ["final-evaluation", "--plan", PLAN, "--format", "pdf", "--district", "999999"],
            "未知区县代码：999999",
        ),
    ],
)
def test_it_rejects_bad_parameters_with_a_message(plan, tmp_path, args, message) -> None:
    out = tmp_path / "r.out"
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "--out", str(out))
    assert not out.exists()


def test_it_exits_non_zero_from_the_console_script(plan, tmp_path, capsys) -> None:
    from wenchuang.cli import main

    with pytest.raises(SystemExit) as exc:
        main(
            [
                "wenchuang",
                "report",
                "monitoring",
                "--plan",
                "nope",
                "--year",
                "2024",
                "--format",
                "pdf",
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
    assert exc.value.code == 1
    assert "规划“nope”不存在" in capsys.readouterr().err


def test_it_writes_the_file_and_reports_its_sha256(plan, tmp_path) -> None:
    out = tmp_path / "sub" / "m.xlsx"
    stdout = io.StringIO()
    call_command(
        "report",
        "monitoring",
        "--plan",
        PLAN,
        "--year",
        "2031",
        "--format",
        "xlsx",
        "--out",
        str(out),
        stdout=stdout,
    )
    text = stdout.getvalue()
    assert "已生成2031年全市文化产业统计监测报告（该年度暂无数据，报告已注明）" in text
    assert "SHA-256" in text
    wb = load_workbook(out)
    assert "主要指标" in wb.sheetnames


def test_it_takes_the_default_plan_when_plan_is_omitted(plan, tmp_path, settings) -> None:
    settings.WENCHUANG_DEFAULT_PLAN = PLAN
    out = tmp_path / "final.docx"
    stdout = io.StringIO()
    call_command("report", "final-evaluation", "--format", "docx", "--out", str(out), stdout=stdout)
    assert out.exists() and "终期评估报告" in stdout.getvalue()
    settings.WENCHUANG_DEFAULT_PLAN = "no-such-plan"
    with pytest.raises(CommandError, match="规划“no-such-plan”不存在"):
        call_command("report", "final-evaluation", "--format", "docx", "--out", str(out))


def test_library_progress_lines_stay_out_of_the_console() -> None:
    import logging

    from wenchuang.classify.classifier import _jieba

    assert _jieba().default_logger.getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("weasyprint").getEffectiveLevel() >= logging.WARNING
