from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wenchuang.classify.reference import reference_load


class Command(BaseCommand):
    help = "载入内置参考标准：行政区划（GB/T 2260）、文化及相关产业分类（2018）、行业代码对照。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入（可重复执行，已存在的行保持不变）")
        load.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_load()
        if options["json"]:
            self.stdout.write(
                json.dumps({"created": counts.created, "unchanged": counts.unchanged}, ensure_ascii=False)
            )
            return
        for name, created in counts.created.items():
            self.stdout.write(f"{name}: 新增 {created}，未变 {counts.unchanged[name]}")
