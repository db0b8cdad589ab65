"""`wenchuang bench_import --rows N [--iie-rows M] [--json]` — see wenchuang/ingest/bench.py.
(`wenchuang bench import` once the stats-owned `bench` command dispatches its `import` target here.)
Deletes all enterprises: run it against a scratch database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "导入基准测试（会删除当前数据库中的全部企业，请在临时数据库上运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument(
            "--iie-rows", type=int, default=None, help="django-import-export 只导入前M行（按速率比较）"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        from wenchuang.ingest.bench import bench

        out = bench(o["rows"], o["iie_rows"])
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for k, v in out.items():
                self.stdout.write(f"{k}: {v}")
