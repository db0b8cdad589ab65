"""`wenchuang bench_import --rows N [--iie-rows M] [--json]` — the same as `wenchuang bench import`;
see wenchuang/ingest/bench.py. Deletes all enterprises: run it against a scratch database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "导入基准测试（同 wenchuang bench import；会删除当前数据库中的全部企业，请在临时数据库上运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument(
            "--iie-rows", type=int, default=None, help="django-import-export 只导入前M行（按速率比较）"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        from wenchuang.ingest.bench import bench_command

        bench_command(self, rows=o["rows"], iie_rows=o["iie_rows"], as_json=o["json"])
