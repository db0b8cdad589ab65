"""Scorecard benchmark: every enterprise scored (one DELETE + one INSERT … SELECT through
`scoring.scores_refresh`, committed) against the floor — one raw SELECT over the same facts with the same
joins (`scoring.floor_sql`), executed and fetched. Goal: ≤ 2×. `wenchuang bench scorecard
--enterprise-years N [--repeat R] [--json]`. It replaces the data of the configured database: run it
on a scratch one (the stats bench's rows from demo.benchdata, plus credit facts for every firm)."""

from __future__ import annotations

import json
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from wenchuang.finance import scoring
from wenchuang.finance.models import CreditFact, CreditScore, ScorecardVersion
from wenchuang.registry.models import Enterprise, EnterpriseYear


def _credit_facts(year: int, seed: int) -> int:
    rnd = random.Random(seed)
    ids = EnterpriseYear.objects.filter(year=year).values_list("enterprise_id", flat=True)
    facts = [
        CreditFact(
            enterprise_id=eid,
            year=year,
            tax_credit_grade=rnd.choice("ABBBMCD"),
            copyrights=rnd.randint(0, 30),
            patents=rnd.randint(0, 10),
            awards=rnd.randint(0, 4),
            is_key_enterprise=rnd.random() < 0.05,
            penalties=rnd.choice([0, 0, 0, 0, 1, 2]),
            social_insurance_months=rnd.choice([12, 12, 12, 9, 3]),
            source="基准测试",
            is_demo=True,
        )
        for eid in ids.iterator(chunk_size=50_000)
    ]
    CreditFact.objects.bulk_create(facts, batch_size=10_000)
    return len(facts)


def bench_command(cmd: BaseCommand, *, rows: int, repeat: int, seed: int, as_json: bool, reuse: bool) -> None:
    from wenchuang.classify.reference import reference_load
    from wenchuang.demo import benchdata

    if Enterprise.objects.filter(is_demo=False).exists():
        raise CommandError("数据库中有非示例企业数据；基准测试会替换数据，请使用临时数据库。")
    reference_load()
    t0 = time.perf_counter()
    if not reuse:
        for model in (CreditScore, CreditFact):
            qs = model.objects.all()
            qs._raw_delete(qs.db)
        benchdata.clear()
        benchdata.generate(enterprise_years=rows, seed=seed)
    year = EnterpriseYear.objects.aggregate(y=Max("year"))["y"]
    if year is None:
        raise CommandError("没有企业年度数据")
    if not reuse:
        _credit_facts(year, seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generate_s = time.perf_counter() - t0
    version = ScorecardVersion.objects.get(is_current=True)
    params = [year, year - 1, year, year]

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(scoring.floor_sql(), params)
            return len(cursor.fetchall())

    def refresh() -> int:
        return scoring.scores_refresh(
            table=version.table, version_id=version.pk, year=year, now=timezone.now()
        )

    n_floor, n_scored = floor(), refresh()  # warm-up of both
    floor_s, refresh_s = [], []
    for _ in range(repeat):  # interleaved: both see the same machine state
        t = time.perf_counter()
        floor()
        floor_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        refresh()
        refresh_s.append(time.perf_counter() - t)
    result = {
        "database": connection.vendor,
        "enterprise_years": EnterpriseYear.objects.count(),
        "year": year,
        "enterprises_scored": n_scored,
        "floor_rows": n_floor,
        "credit_facts": CreditFact.objects.filter(year=year).count(),
        "generate_seconds": round(generate_s, 2),
        "refresh_median_s": round(statistics.median(refresh_s), 4),
        "floor_median_s": round(statistics.median(floor_s), 4),
        "ratio": round(statistics.median(refresh_s) / statistics.median(floor_s), 2),
        "goal": "≤ 2×",
        "repeat": repeat,
    }
    if n_floor != n_scored:
        raise CommandError(f"评分企业数{n_scored}与基准查询行数{n_floor}不一致")
    if as_json:
        cmd.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            cmd.stdout.write(f"{key}: {value}")
