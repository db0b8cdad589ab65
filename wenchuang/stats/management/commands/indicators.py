"""`wenchuang indicators PLAN --year Y [--json]`: the plan's indicators for a year with target, status
and components (recomputed from the rollup and the official figures first, unless --no-recompute)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.plan.models import Plan
from wenchuang.stats import selectors, services
from wenchuang.stats.presenters import first_met_years, indicator_value_dict


class Command(BaseCommand):
    help = "按年度输出规划指标的计算值、官方值、目标与进度状态"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="规划代码，如 hangzhou-14th-culture")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--units", action="store_true", help="同时输出带、廊、组团等空间单元")
        parser.add_argument("--no-recompute", action="store_true", help="只读取已存储的指标值")

    def handle(self, *args: Any, **options: Any) -> None:
        code, year = options["plan"], options["year"]
        if not Plan.objects.filter(code=code).exists():
            raise CommandError(f"规划 {code} 未载入（先运行 wenchuang plan load FILE）")
        if not options["no_recompute"]:
            services.indicator_values_recompute(plan_code=code, years=[year])
        values = selectors.indicator_value_list(
            plan_code=code, year=year, spatial_unit_code=None if options["units"] else ""
        )
        order = {
            i.code: (i.category != "main", i.category, i.seq)
            for i in Plan.objects.get(code=code).indicators.all()
        }
        rows = sorted(values, key=lambda v: (v.spatial_unit_code, order.get(v.indicator_code, (9, "", 0))))
        first_met = first_met_years(selectors.indicator_value_list(plan_code=code).filter(year__lte=year))
        data = [
            indicator_value_dict(
                v, first_year_met=first_met.get((v.spatial_unit_code, v.indicator_code, v.year))
            )
            for v in rows
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps({"plan": code, "year": year, "indicators": data}, ensure_ascii=False, indent=2)
            )
            return
        for d in data:
            where = f"[{d['spatial_unit']}] " if d["spatial_unit"] else ""
            official = f" 官方{d['official']['value']}" if d["official"] else ""
            self.stdout.write(
                f"{where}{d['code']:<22} {d['name']}：{d['value'] or '—'}{d['unit']}"
                f"（{d['source_label']}；计算值{d['computed']['value'] or '—'}{official}） "
                f"目标{d['target']['display'] or '—'} {d['progress']['status_label'] or ''}"
            )
