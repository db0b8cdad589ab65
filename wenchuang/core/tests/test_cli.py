from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # A fresh, never-migrated SQLite database unless the test names another one.
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"WENCHUANG_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "wenchuang.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def test_it_says_the_database_needs_setting_up_instead_of_a_traceback(tmp_path: Path) -> None:
    result = _run("plan", "list", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "数据库尚未初始化" in result.stderr and "wenchuang setup" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_says_when_the_database_is_unreachable(tmp_path: Path) -> None:
    result = _run("plan", "list", tmp_path=tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:9/none")
    assert result.returncode == 1
    assert "无法访问数据库" in result.stderr and "Traceback" not in result.stderr
