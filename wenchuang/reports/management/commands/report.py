"""`wenchuang report monitoring|final-evaluation [--plan CODE] [--year Y] --format docx|pdf|xlsx --out FILE`;
without --plan, the default plan (WENCHUANG_DEFAULT_PLAN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wenchuang.reports import services
from wenchuang.reports.data import FINAL, MONITORING, ReportError


class Command(BaseCommand):
    help = "生成文化产业统计监测报告或“十四五”规划终期评估报告（Word、PDF 或 Excel，中文，含图表）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{monitoring,final-evaluation}")
        for kind, text in ((MONITORING, "统计监测报告"), (FINAL, "“十四五”规划终期评估报告")):
            p = sub.add_parser(kind, help=text)
            p.add_argument(
                "--plan",
                default=settings.WENCHUANG_DEFAULT_PLAN,
                help=f"规划代码；默认 {settings.WENCHUANG_DEFAULT_PLAN}（WENCHUANG_DEFAULT_PLAN）",
            )
            p.add_argument(
                "--year",
                help="报告年度" + ("（必填）" if kind == MONITORING else "（默认规划期内最新有数据年度）"),
            )
            p.add_argument("--format", required=True, help="docx、pdf 或 xlsx")
            p.add_argument("--out", required=True, help="输出文件路径")
            p.add_argument(
                "--district", action="append", default=[], help="只含该区县（行政区划代码，可重复）；默认全市"
            )
            p.add_argument(
                "--data-version",
                type=int,
                default=None,
                help="全市指标取自该发布版本号；默认工作数据（未发布）",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        year = options.get("year")
        if kind == MONITORING and year is None:
            raise CommandError("统计监测报告须指定 --year")
        try:
            built = services.report_build(
                kind=kind,
                plan_code=options["plan"],
                fmt=options["format"],
                year=year,
                district_codes=options["district"],
                generated_at=timezone.localtime(),
                publication=services.publication_for(
                    plan_code=options["plan"], number=options["data_version"]
                ),
            )
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(built.content)
        rd = built.data
        note = "" if rd.has_data else "（该年度暂无数据，报告已注明）"
        as_of = rd.as_of.isoformat() if rd.as_of else "暂无数据"
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成{rd.title}{note}：{out}（{len(built.content)}字节，"
                f"SHA-256 {built.sha256}，数据截至 {as_of}）"
            )
        )
