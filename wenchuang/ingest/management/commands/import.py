"""`wenchuang import KIND FILE [--mode all-or-nothing|valid-only] [--unit 万元] [--json]` and
`wenchuang import undo BATCH`. Prints the batch summary; exits non-zero when nothing could be written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.ingest.schema import KINDS


class Command(BaseCommand):
    help = "导入工商登记、年度统计、税务、社保或官方汇总数据；或撤销一个导入批次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*KINDS, "undo"], help="数据类型，或 undo")
        parser.add_argument("target", help="文件路径（undo 时为批次号）")
        parser.add_argument("--mode", choices=["all-or-nothing", "valid-only"], default="all-or-nothing")
        parser.add_argument("--unit", default="万元", help="未在列名中注明时的金额单位：元、万元或亿元")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-recompute", action="store_true", help="导入后不刷新统计汇总")

    def handle(self, *args: Any, **o: Any) -> None:
        from wenchuang.ingest import services, undo

        if o["kind"] == "undo":
            try:
                batch = undo.batch_undo(batch_id=int(o["target"]))
            except (ValueError, services.ImportError_) as exc:
                raise CommandError(str(exc)) from exc
            self._print(batch.summary(), o["json"], f"批次#{batch.pk}已撤销")
            return
        path = Path(o["target"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        problem = services.size_problem(path.stat().st_size)
        if problem:
            raise CommandError(problem)
        show = not o["json"] and sys.stderr.isatty()

        def progress(done: int, total: int, phase: str) -> None:
            if show:
                width = 30
                filled = int(width * done / total) if total else width
                sys.stderr.write(f"\r{phase} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                sys.stderr.flush()

        try:
            batch = services.import_file(
                kind=o["kind"],
                data=path.read_bytes(),
                file_name=path.name,
                mode=o["mode"],
                unit=o["unit"],
                progress=progress,
                recompute=not o["no_recompute"],
            )
        except services.ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        if show:
            sys.stderr.write("\n")
        self._print(batch.summary(), o["json"], batch.get_status_display())
        if batch.status in ("failed", "rejected"):
            sys.exit(1)

    def _print(self, summary: dict[str, Any], as_json: bool, title: str) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        labels = {
            "batch": "批次",
            "status": "状态",
            "rows": "数据行",
            "inserted": "新增",
            "updated": "更新",
            "unchanged": "未变化",
            "rejected": "拒绝",
            "error_file": "错误行文件",
            "message": "说明",
        }
        self.stdout.write(title)
        for key, label in labels.items():
            if summary.get(key) not in (None, ""):
                self.stdout.write(f"  {label}：{summary[key]}")
        if summary.get("district_mapped"):
            mapped = summary["district_mapped"]
            self.stdout.write(f"  区县按名称或2021年前旧区划换算：{mapped}行（原值已保留）")
        review = summary.get("district_review") or []
        if review:
            rows = "、".join(map(str, review[:20])) + ("等" if len(review) > 20 else "")
            self.stdout.write(f"  区县归属待核实：{len(review)}行（第{rows}行）")
        ignored = summary.get("ignored_columns") or []
        if ignored:
            self.stdout.write(f"  未导入的列（{len(ignored)}）：")
            for line in ignored:
                self.stdout.write(f"    · {line}")
