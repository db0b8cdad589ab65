"""`wenchuang demo --region CODE`: generated enterprises and enterprise-years for every county of a
region above the city (a province: its cities' counties), for a province or nation deployment.

The calibrated demo (`demo.generate`) reproduces one city's plan figures and so needs that city's 13
districts; a province has no such figures here. This generator is plain and seeded instead: N firms
(small by default) spread over the region's counties — the provincial capital and the second city
weighted higher, as culture enterprises are — every culture 小类, 2015–2025, ~8% above scale, ~75%
reporting all four value-added components. Same region, N and seed → the same rows. Rows are
`is_demo`, names carry 示例, USCCs carry the county's code; they are written set-based by the demo's
`BulkWriter` (COPY on PostgreSQL, executemany on SQLite) in one transaction, explicit ids.
"""

from __future__ import annotations

import random
import time
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from wenchuang.demo.generate import (
    ENTERPRISE_COLUMNS,
    YEAR_COLUMNS,
    BulkWriter,
    DemoError,
    demo_delete,
    demo_uscc,
    load_categories,
)
from wenchuang.demo.targets import FIRST_YEAR, LAST_YEAR
from wenchuang.registry.models import District, Enterprise, EnterpriseYear
from wenchuang.registry.regions import region_district_ids, region_level, region_name

DEFAULT_REGION_ENTERPRISES = 600
MAX_REGION_ENTERPRISES = 5_000_000
THRESHOLD = 2000_00  # 2000万元 in cents of 万元: above scale
# Culture enterprises concentrate in a province's capital and largest cities: a county's weight is its
# city's (the first two cities of the province by code — the capital and the sub-provincial city in
# most provinces, Hangzhou and Ningbo here) times the county's own (urban districts above counties).
CITY_WEIGHT = (4.0, 2.5)
URBAN_WEIGHT = {"区": 1.5}


@dataclass
class RegionDemoResult:
    status: str  # "created" or "exists"
    region: str
    enterprises: int
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def region_generate(
    *,
    region: str,
    enterprises: int = DEFAULT_REGION_ENTERPRISES,
    seed: int = 20201231,
    cities: list[str] | None = None,
    replace: bool = False,
) -> RegionDemoResult:
    """Write the region's generated firms and their years. `cities` narrows to some of its cities.

    Refused (DemoError) when the region has no counties loaded, or demo rows exist and `replace` is off."""
    if not 1 <= enterprises <= MAX_REGION_ENTERPRISES:
        raise DemoError(f"企业数应在1至{MAX_REGION_ENTERPRISES}家之间，当前为{enterprises}。")
    if region_level(region) == "county":
        raise DemoError(f"区域 {region} 是区县，请指定市、省或全国（000000）。")
    started = time.monotonic()
    ids = region_district_ids(region)
    districts = list(District.objects.filter(pk__in=ids).order_by("code"))
    if cities:
        outside = [
            c for c in cities if region_level(c) != "city" or not any(d.parent_code == c for d in districts)
        ]
        if outside:
            raise DemoError(f"{'、'.join(outside)}不是区域 {region} 内已载入区县的地级市。")
        districts = [d for d in districts if d.parent_code in cities]
    if not districts:
        raise DemoError(
            f"区域 {region}（{region_name(region)}）没有已载入的区县：请先以 WENCHUANG_REGION_CODE={region} "
            "运行 wenchuang reference load。"
        )
    with transaction.atomic():
        deleted: dict[str, int] = {}
        if Enterprise.objects.filter(is_demo=True).exists():
            if not replace:
                return RegionDemoResult("exists", region, enterprises, seed)
            deleted = demo_delete()
        rows = _write(districts, enterprises, seed)
    return RegionDemoResult(
        "created", region, enterprises, seed, rows=rows, deleted=deleted, seconds=time.monotonic() - started
    )


def _weights(districts: list[District]) -> list[float]:
    city_order = sorted({d.parent_code for d in districts})
    city_weight = {c: (CITY_WEIGHT[i] if i < len(CITY_WEIGHT) else 1.0) for i, c in enumerate(city_order)}
    return [city_weight[d.parent_code] * URBAN_WEIGHT.get(d.kind, 1.0) for d in districts]


def _write(districts: list[District], n: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    salt = zlib.crc32(f"region-demo-{seed}".encode()) % 10_000_000
    cats = load_categories()
    writer = BulkWriter()
    first_e, first_ey = writer.next_id(Enterprise), writer.next_id(EnterpriseYear)
    weights = _weights(districts)
    firms: list[tuple[Any, ...]] = []
    years: list[tuple[Any, ...]] = []
    n_years = LAST_YEAR - FIRST_YEAR + 1
    eyid = first_ey
    for i in range(n):
        eid = first_e + i
        district = rng.choices(districts, weights)[0]
        cat = rng.choice(cats)
        start = FIRST_YEAR + rng.randrange(n_years)
        span = min(LAST_YEAR - start + 1, 1 + int(rng.expovariate(1 / 6)))
        firms.append(
            (
                eid,
                demo_uscc(district.code, i, salt, prefix="R"),
                f"{district.name}示例文化企业{i + 1:05d}",
                rng.choice(cat.gbt_codes),
                f"{cat.name}（示例）",
                district.pk,
                None,
                date(start, 1 + rng.randrange(12), 1 + rng.randrange(28)).isoformat(),
                Enterprise.Status.ACTIVE.value,
                cat.id,
                True,
                writer.now,
                writer.now,
            )
        )
        big = rng.random() < 0.08
        size = int(rng.lognormvariate(8.2 if big else 5.0, 1.0) * 100)  # revenue, cents of 万元
        for year in range(start, start + span):
            size = max(100, int(size * rng.uniform(0.92, 1.18)))
            years.append(_year(rng, writer, eyid, eid, year, size))
            eyid += 1
    writer.write(Enterprise, ENTERPRISE_COLUMNS, firms)
    writer.write(EnterpriseYear, YEAR_COLUMNS, years)
    writer.reset_sequences([Enterprise, EnterpriseYear])
    return {"enterprises": len(firms), "enterprise_years": len(years), "districts": len(districts)}


def _year(
    rng: random.Random, writer: BulkWriter, eyid: int, eid: int, year: int, revenue: int
) -> tuple[Any, ...]:
    kind = rng.random()
    full, reported = kind < 0.75, kind < 0.97
    va = revenue * rng.randint(15, 40) // 100
    # income approach: compensation, net production tax, depreciation, surplus add up to va exactly
    parts = (va * 45 // 100, va * 10 // 100, va * 15 // 100)
    components = (*parts, va - sum(parts)) if full else (None, None, None, None)
    above = revenue >= THRESHOLD
    money = writer.money
    return (
        eyid,
        eid,
        year,
        money(revenue) if reported else None,
        *(None if c is None else money(c) for c in components),
        money(revenue * rng.randint(100, 130) // 100) if rng.random() < 0.6 else None,
        max(1, revenue // 8000) if rng.random() < 0.9 else None,
        money(revenue // 10) if rng.random() < 0.05 else None,
        above,
        above and rng.random() < 0.02,
        above and rng.random() < 0.03,
    )
