"""`wenchuang plan load | list | show` through the console script's entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wenchuang.cli import main
from wenchuang.plan.models import Plan
from wenchuang.plan.tests.minimal import MINIMAL_PLAN, line_of, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # Django's run_from_argv closes every connection after a command; inside a test's transaction on
    # PostgreSQL that would drop the test's own connection (SQLite's in-memory one ignores it).
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


def test_it_loads_lists_and_shows(
    reference: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL_PLAN)

    main(["wenchuang", "plan", "load", str(path)])
    main(["wenchuang", "plan", "list"])
    main(["wenchuang", "plan", "show", "test-plan"])

    out = capsys.readouterr().out
    assert "已载入规划 test-plan" in out
    assert "test-plan\t测试规划\t2021—2025" in out
    assert "2. 比重（%）  2020年 60  →  2025年 >65" in out


def test_it_reports_load_counts_as_json(
    reference: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL_PLAN)
    main(["wenchuang", "plan", "load", str(path)])
    capsys.readouterr()

    main(["wenchuang", "plan", "load", str(path), "--json"])

    counts = json.loads(capsys.readouterr().out)
    assert (counts["created"], counts["updated"], counts["deleted"]) == (0, 0, 0)
    assert counts["by_model"]["plan.Indicator"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}


def test_it_exits_non_zero_on_a_bad_file(
    reference: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MINIMAL_PLAN.replace('op: ">", value: 65}', 'op: ">", value: "abc"}')
    path = write(tmp_path, text)

    with pytest.raises(SystemExit) as exit_info:
        main(["wenchuang", "plan", "load", str(path)])

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "有 1 处错误，未写入任何数据" in err
    assert f"第{line_of(text, 'abc')}行 indicators[1].target.value：应为数字" in err
    assert Plan.objects.count() == 0


def test_it_exits_non_zero_on_a_missing_file(
    reference: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["wenchuang", "plan", "load", str(tmp_path / "none.yaml")])

    assert exit_info.value.code == 1
    assert "无法读取文件" in capsys.readouterr().err


def test_show_refuses_an_unknown_plan(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["wenchuang", "plan", "show", "nope", "--json"])

    assert exit_info.value.code == 1
    assert "未找到规划 nope" in capsys.readouterr().err
