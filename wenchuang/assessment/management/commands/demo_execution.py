"""`wenchuang demo_execution`: demo key projects, tasks with reports and assessment, approval states and
reminders (示例), over the demo enterprises; `setup` and `demo` call it after the registry demo."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wenchuang.approval.demo import demo_approval
from wenchuang.assessment.demo import demo_assessment
from wenchuang.projects.demo import demo_projects


class Command(BaseCommand):
    help = "生成规划实施示例数据：重点项目库、重点任务与年度考核、数据审核状态与催报提醒（名称均带“示例”）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=20201231, help="随机种子（默认20201231）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        seed = options["seed"]
        rows = {**demo_projects(seed=seed), **demo_assessment(seed=seed), **demo_approval()}
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "规划实施示例数据已生成：" + "，".join(f"{k} {v}" for k, v in rows.items())
                )
            )
