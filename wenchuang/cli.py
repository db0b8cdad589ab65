"""The `wenchuang` console script: Django's management commands under one name.

`wenchuang plan load FILE` runs the `plan` command with `load FILE`, and so on.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "wenchuang"
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
