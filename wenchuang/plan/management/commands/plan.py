"""`wenchuang plan load FILE | list | show CODE [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.plan.models import format_target, format_value
from wenchuang.plan.schema import PlanFileError
from wenchuang.plan.selectors import plan_export, plan_get, plan_list, plan_main_indicators
from wenchuang.plan.services import plan_load


class Command(BaseCommand):
    help = "规划数据：载入规划文件、列出已载入的规划、查看规划内容。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="校验并载入规划文件（可重复执行；文件有误时不写入任何数据）")
        load.add_argument("file", help="规划文件路径（YAML，格式见 docs/plan-format.md）")
        load.add_argument("--json", action="store_true", help="以 JSON 输出载入统计")
        sub.add_parser("list", help="列出已载入的规划")
        show = sub.add_parser("show", help="查看一个规划")
        show.add_argument("code", help="规划代码，如 hangzhou-14th-culture")
        show.add_argument("--json", action="store_true", help="以 JSON 输出完整内容")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self._load(options["file"], as_json=options["json"])
        elif action == "list":
            self._list()
        else:
            self._show(options["code"], as_json=options["json"])

    def _load(self, path: str, *, as_json: bool) -> None:
        try:
            result = plan_load(path=path)
        except PlanFileError as exc:
            # CommandError → message on stderr and exit status 1 from the console script.
            lines = "\n".join(f"  {message}" for message in exc.messages)
            raise CommandError(
                f"规划文件 {path} 有 {len(exc.issues)} 处错误，未写入任何数据：\n{lines}"
            ) from exc
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "plan": result.plan.code,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "deleted": result.deleted,
                        "by_model": {label: vars(c) for label, c in result.counts.items()},
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        summary = (
            f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，删除 {result.deleted}"
        )
        self.stdout.write(
            self.style.SUCCESS(f"已载入规划 {result.plan.code}（{result.plan.name}）：{summary}")
        )
        for label, c in result.counts.items():
            self.stdout.write(
                f"  {label}: 新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}，删除 {c.deleted}"
            )

    def _list(self) -> None:
        plans = list(plan_list())
        if not plans:
            self.stdout.write(
                "尚未载入任何规划。用 `wenchuang plan load data/plans/hangzhou-14th-culture.yaml` 载入。"
            )
            return
        for plan in plans:
            # indicator_count / spatial_unit_count are annotations added by plan_list().
            self.stdout.write(
                f"{plan.code}\t{plan.name}\t{plan.period_label}\t"
                f"指标 {plan.indicator_count}\t空间单元 {plan.spatial_unit_count}\t"  # type: ignore[attr-defined]
                f"载入于 {plan.loaded_at:%Y-%m-%d %H:%M}"
            )

    def _show(self, code: str, *, as_json: bool) -> None:
        plan = plan_get(code=code)
        if plan is None:
            raise CommandError(f"未找到规划 {code}。用 `wenchuang plan list` 查看已载入的规划。")
        if as_json:
            self.stdout.write(json.dumps(plan_export(plan=plan), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{plan.name}（{plan.code}，{plan.period_label}，基期 {plan.base_year}）")
        self.stdout.write("主要指标：")
        for i in plan_main_indicators(plan=plan):
            self.stdout.write(
                f"  {i.seq}. {i.name}（{i.unit}）  {i.base_year}年 {format_value(i.base_value)}  →  "
                f"{i.target_year}年 {format_target(i.target_op, i.target_value)}"
            )
        data = plan_export(plan=plan)
        self.stdout.write("空间布局：")
        for unit in data["spatial_units"]:
            districts = "、".join(d["name"] for d in unit["districts"])
            self.stdout.write(
                f"  [{unit['kind']}] {unit['name']}（{districts}）重点平台 {len(unit['platforms'])} 个"
            )
        commitments = sum(len(p["commitments"]) for p in data["programmes"])
        self.stdout.write(f"重点工程 {len(data['programmes'])} 项，任务 {commitments} 条；")
        self.stdout.write(f"基期事实 {len(data['facts'])} 条。完整内容用 --json 查看。")
