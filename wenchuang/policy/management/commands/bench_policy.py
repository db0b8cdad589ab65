"""`wenchuang bench policy --enterprises N --policies M [--json]` (dispatched here by `bench`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.policy import bench


class Command(BaseCommand):
    help = "政策匹配基准测试：编译规则 vs 手写SQL vs 逐企业Python求值（请在临时数据库上运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, required=True)
        parser.add_argument("--policies", type=int, default=50)
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--reuse", action="store_true", help="沿用上次生成的基准企业")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from wenchuang.classify.reference import reference_load
        from wenchuang.registry.models import Enterprise

        if Enterprise.objects.filter(is_demo=False).exists():
            raise CommandError("数据库中有非示例企业数据；基准测试会写入并删除数据，请使用临时数据库。")
        if options["enterprises"] < 1 or options["policies"] < 1:
            raise CommandError("--enterprises 与 --policies 须为正整数")
        reference_load()
        result = bench.run(
            enterprises=options["enterprises"],
            policies=options["policies"],
            seed=options["seed"],
            reuse=options["reuse"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for k, v in result.items():
                self.stdout.write(f"{k}: {v}")
        if not result["same_selection"]:
            raise CommandError("三种方法选出的企业不一致")
