"""Synthetic micro data for `wenchuang bench stats`: exactly N enterprise-years, deterministic, written
set-based through `core.bulk` (executemany on SQLite, COPY on PostgreSQL).

The demo generator (`wenchuang demo`) is calibrated to the plan's 2020 facts and so has a minimum
size (2,000 firms, ~18,000 enterprise-years) and a rows-per-firm ratio that changes with its size; a
benchmark needs an exact row count instead. The shape is the demo's at scale: 13 districts, every
culture 小类, ~5.5 years per firm over 2015–2025, ~8% above scale, ~15% in a platform, ~75% reporting
all four value-added components, ~15% revenue only. Rows are marked `is_demo`, names carry 示例.
"""

from __future__ import annotations

import random
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from wenchuang.classify.models import CultureCategory
from wenchuang.core import bulk
from wenchuang.core.errors import DomainError
from wenchuang.registry.models import ENTERPRISE_YEAR_FACTS, District, Enterprise, EnterpriseYear, Platform
from wenchuang.stats.models import (
    FactCell,
    IndicatorSnapshot,
    IndicatorValue,
    RollupYear,
    ValidationViolation,
    ValueAddedRate,
)

FIRST_YEAR, LAST_YEAR = 2015, 2025
PLATFORMS = 100
USCC_PREFIX = "91330100B"  # + 9 digits: bench firms, recognisable and unique


class BenchDataError(DomainError, RuntimeError):
    pass


def clear() -> None:
    """Remove previously generated bench or demo micro data and everything derived from it.

    Raw deletes (no per-row signals or history): only for a scratch database, which the bench command
    checks before calling this."""
    e, ey, p = Enterprise._meta.db_table, EnterpriseYear._meta.db_table, Platform._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (
            ValidationViolation,
            FactCell,
            ValueAddedRate,
            RollupYear,
            IndicatorValue,
            IndicatorSnapshot,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {ey} WHERE enterprise_id IN (SELECT id FROM {e} WHERE is_demo)")  # noqa: S608
        # Other demo rows (talents, export items …) point at demo firms; the demo's own delete handles
        # them, so leave a database holding the full demo set to it.
        if Enterprise.objects.filter(is_demo=True).exclude(uscc__startswith=USCC_PREFIX).exists():
            from wenchuang.demo.generate import demo_delete

            demo_delete()
        cursor.execute(f"DELETE FROM {e} WHERE is_demo AND uscc LIKE %s", [USCC_PREFIX + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {p} WHERE is_demo AND name LIKE %s", ["基准示例园区%"])  # noqa: S608


def generate(*, enterprise_years: int, seed: int = 20201231) -> dict[str, int]:
    """Write exactly `enterprise_years` rows (and the firms and platforms they need)."""
    if enterprise_years < 1:
        raise BenchDataError("enterprise_years must be positive")
    rng = random.Random(seed)
    county_kinds = ["区", "县", "县级市", "自治县"]
    districts = list(District.objects.filter(kind__in=county_kinds).values_list("id", flat=True))
    if not districts:
        districts = list(District.objects.values_list("id", flat=True))
    categories = list(CultureCategory.objects.filter(level=3).values_list("id", flat=True))
    if not districts or not categories:
        raise BenchDataError("reference data missing: run `wenchuang reference load` first")
    now = timezone.now()
    with transaction.atomic():
        platforms = Platform.objects.bulk_create(
            [
                Platform(name=f"基准示例园区{i:03d}", district_id=districts[i % len(districts)], is_demo=True)
                for i in range(PLATFORMS)
            ]
        )
        platform_ids = [(p.pk, p.district_id) for p in platforms]
        first_e = (Enterprise.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        first_ey = (EnterpriseYear.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        firms: list[tuple[Any, ...]] = []
        years: list[tuple[Any, ...]] = []
        n_years = LAST_YEAR - FIRST_YEAR + 1
        eid, eyid = first_e, first_ey
        while len(years) < enterprise_years:
            start = FIRST_YEAR + rng.randrange(n_years)
            span = min(LAST_YEAR - start + 1, 1 + int(rng.expovariate(1 / 5.5)))
            span = min(span, enterprise_years - len(years))
            if rng.random() < 0.15:
                platform, district = rng.choice(platform_ids)
            else:
                platform, district = None, rng.choice(districts)
            category = rng.choice(categories) if rng.random() < 0.97 else None
            firms.append(_firm(eid, district, platform, category, now))
            big = rng.random() < 0.08
            size = rng.lognormvariate(8.2 if big else 5.0, 1.0)  # revenue, 万元
            for y in range(start, start + span):
                size *= rng.uniform(0.9, 1.2)
                years.append(_year(rng, eyid, eid, y, size))
                eyid += 1
            eid += 1
        bulk.insert_rows(Enterprise._meta.db_table, _FIRM_COLUMNS, firms)
        bulk.insert_rows(EnterpriseYear._meta.db_table, _YEAR_COLUMNS, years)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Enterprise, EnterpriseYear]):
                    cursor.execute(sql)
    return {"enterprises": len(firms), "enterprise_years": len(years), "platforms": PLATFORMS}


_FIRM_COLUMNS = (
    "id",
    "uscc",
    "name",
    "gbt_code",
    "business_scope",
    "district_id",
    "platform_id",
    "status",
    "culture_category_id",
    "is_demo",
    "created_at",
    "updated_at",
)
_YEAR_COLUMNS = ("id", "enterprise_id", "year", *ENTERPRISE_YEAR_FACTS)


def _firm(
    eid: int, district: int | None, platform: int | None, category: int | None, now: Any
) -> tuple[Any, ...]:
    stamp = connection.ops.adapt_datetimefield_value(now)
    return (
        eid,
        f"{USCC_PREFIX}{eid:09d}",
        f"基准示例文化企业{eid}",
        "",
        "",
        district,
        platform,
        Enterprise.Status.ACTIVE.value,
        category,
        True,
        stamp,
        stamp,
    )


def _money(x: float) -> str:
    return f"{x:.2f}"


def _year(rng: random.Random, eyid: int, eid: int, year: int, size: float) -> tuple[Any, ...]:
    revenue = size
    kind = rng.random()
    full = kind < 0.75
    has_revenue = kind < 0.97
    va = revenue * rng.uniform(0.15, 0.4)
    parts = (va * 0.45, va * 0.1, va * 0.15, va * 0.3) if full else (None, None, None, None)
    above = revenue >= 2000
    return (
        eyid,
        eid,
        year,
        _money(revenue) if has_revenue else None,
        *(None if p is None else _money(p) for p in parts),
        _money(revenue * rng.uniform(1.0, 1.3)) if rng.random() < 0.6 else None,
        max(1, int(revenue / 80)) if rng.random() < 0.9 else None,
        _money(revenue * 0.1) if rng.random() < 0.05 else None,
        above,
        above and rng.random() < 0.01,
        above and rng.random() < 0.02,
    )
