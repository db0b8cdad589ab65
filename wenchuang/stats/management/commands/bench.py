"""`wenchuang bench stats --enterprise-years N [--json]`: (a) a full rollup refresh against the single
raw GROUP BY over the same rows (the floor; goal ≤ 2×), (b) the indicator endpoint's median and p95
latency against a trivial endpoint on the same stack (goal ≤ 3×).

It REPLACES the demo data in the configured database: run it against a scratch database
(WENCHUANG_VAR_DIR=/tmp/bench or DATABASE_URL=postgres://…/scratch). Not a timed test.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from wenchuang.registry.models import Enterprise, EnterpriseYear

ROWS_PER_ENTERPRISE = 9.2  # enterprise-years per enterprise in the demo data (2015–2025 with entry/exit)
PLAN = "hangzhou-14th-culture"


def _timed(fn: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "统计引擎基准测试（会替换当前数据库中的示例数据，请在临时数据库上运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", choices=["stats"])
        parser.add_argument("--enterprise-years", type=int, required=True, dest="rows")
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--reuse", action="store_true", help="沿用库中已有的示例数据")

    def handle(self, *args: Any, **options: Any) -> None:
        from wenchuang.core.services import reference_load
        from wenchuang.plan.models import Plan
        from wenchuang.plan.services import plan_load
        from wenchuang.registry.demo import MIN_ENTERPRISES, demo_generate
        from wenchuang.stats import rollup, services

        if Enterprise.objects.filter(is_demo=False).exists():
            raise CommandError("数据库中有非示例企业数据；基准测试会替换数据，请使用临时数据库。")
        reference_load()
        if not Plan.objects.filter(code=PLAN).exists():
            plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
        enterprises = max(MIN_ENTERPRISES, int(options["rows"] / ROWS_PER_ENTERPRISE))
        t0 = time.perf_counter()
        if not options["reuse"]:
            demo_generate(enterprises=enterprises, replace=True)
        generate_s = time.perf_counter() - t0
        rows = EnterpriseYear.objects.count()
        years = rollup.micro_years()

        def floor() -> None:
            with connection.cursor() as cursor:
                cursor.execute(rollup.micro_group_by_sql(years))
                cursor.fetchall()

        floor()  # warm the cache for both sides alike
        floor_s = _timed(floor, options["repeat"])
        refresh_s = _timed(lambda: services.rollup_refresh(), options["repeat"])
        cells = rollup.FactCell.objects.count()
        services.indicator_values_recompute(plan_code=PLAN, years=[2020, 2022])

        client = Client()
        with override_settings(ROOT_URLCONF="wenchuang.stats.bench_urls", DEBUG=False):
            api_url = f"/stats/indicators/{PLAN}/2022/"
            assert client.get(api_url).status_code == 200
            assert client.get("/ping/").status_code == 200
            api, ping = [], []
            for _ in range(options["requests"]):
                # Interleaved so that both see the same machine state.
                api += _timed(lambda: client.get(api_url), 1)
                ping += _timed(lambda: client.get("/ping/"), 1)

        result = {
            "database": connection.vendor,
            "enterprise_years": rows,
            "enterprises": Enterprise.objects.count(),
            "years": len(years),
            "cells": cells,
            "generate_seconds": round(generate_s, 2),
            "rollup": {
                "refresh_median_s": round(statistics.median(refresh_s), 4),
                "group_by_floor_median_s": round(statistics.median(floor_s), 4),
                "ratio": round(statistics.median(refresh_s) / statistics.median(floor_s), 2),
                "goal": "≤ 2×",
            },
            "indicator_api": {
                "median_ms": round(statistics.median(api) * 1000, 3),
                "p95_ms": round(_pct(api, 0.95) * 1000, 3),
                "trivial_median_ms": round(statistics.median(ping) * 1000, 3),
                "trivial_p95_ms": round(_pct(ping, 0.95) * 1000, 3),
                "median_ratio": round(statistics.median(api) / statistics.median(ping), 2),
                "p95_ratio": round(_pct(api, 0.95) / _pct(ping, 0.95), 2),
                "goal": "≤ 3×",
                "requests": options["requests"],
            },
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
