"""Production settings pass `manage.py check --deploy` with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_under_production_settings():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE belongs to the test harness, never to a deployment.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "WENCHUANG_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": "prod-" + "k3Y9-x" * 10,
        "WENCHUANG_FIELD_KEYS": "TYrbj1RIoFwIgnfj3dSDmjXKjHbmLFdtFSLL0IKVn6w=",
        "ALLOWED_HOSTS": "wenchuang.example.gov.cn",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
