"""`wenchuang finance score [--year Y]` scores every enterprise under the current points table;
`wenchuang finance reconcile [--json]` checks the risk-compensation pool's ledger (exit 1 on a problem)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.core.errors import DomainError


class Command(BaseCommand):
    help = "金融服务：score 计算信用评分；reconcile 核对风险补偿资金池分录与贷款记录"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="按当前评分表计算全部企业的信用评分")
        score.add_argument("--year", type=int, default=None, help="年度（默认：最新有年度数据的年份）")
        reconcile = sub.add_parser("reconcile", help="核对资金池：借贷平衡、贷款余额与分录一致、补偿不超比例")
        reconcile.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from wenchuang.finance import services

        if options["action"] == "score":
            try:
                year, n = services.scores_compute(year=options["year"])
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(self.style.SUCCESS(f"{year}年度信用评分已计算：{n}家企业"))
            return
        result = services.pool_reconcile()
        if options["json"]:
            payload = {
                "ok": result.ok,
                "entries": result.entries,
                "loans": result.loans,
                "totals": result.totals,
                "problems": result.problems,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(
                f"分录{result.entries}条，贷款{result.loans}笔；借方合计{result.totals.get('debits')}万元"
            )
            for p in result.problems:
                self.stdout.write(self.style.ERROR(p))
            if result.ok:
                self.stdout.write(self.style.SUCCESS("资金池核对通过：借贷平衡，贷款记录与分录一致"))
        if not result.ok:
            raise CommandError(f"资金池核对发现{len(result.problems)}个问题")
