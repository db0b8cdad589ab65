"""The `wenchuang` console script: Django's management commands under one name.

`wenchuang plan load FILE` runs the `plan` command with `load FILE`, and so on.
"""

from __future__ import annotations

import os
import sys

_NOT_MIGRATED = ("no such table", "does not exist")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    args = list(sys.argv if argv is None else argv)
    args[0] = "wenchuang"
    try:
        execute_from_command_line(args)
    except (OperationalError, ProgrammingError) as exc:
        # A database that was never set up (or is unreachable) gets a sentence, not a traceback.
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if any(marker in message for marker in _NOT_MIGRATED):
            sys.stderr.write(f"数据库尚未初始化（{message}）。请先运行 wenchuang setup 或 make run。\n")
        else:
            sys.stderr.write(f"无法访问数据库：{message}。请检查 DATABASE_URL 与数据库服务。\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
