"""Import benchmark: our import (parse, validate, classify, upsert) of N registration + N annual rows
against (a) a raw bulk insert of the same pre-parsed rows (the floor) and (b) django-import-export
(installed only with the `bench` extra). `wenchuang bench import --rows N --json`. Run against a scratch
database: it deletes all enterprises (and refuses when it finds any it did not generate)."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from wenchuang.core import bulk
from wenchuang.core.uscc import make_valid
from wenchuang.ingest.writers import DECISION_COLUMNS, DETAIL_FIELDS

FULL = ["8610", "8622", "8710", "8720", "7251", "7712", "2431", "8770", "6421", "7240"]
PARTIAL = [("6513", "游戏软件开发；动漫设计"), ("6513", "企业管理软件开发"), ("7484", "建筑设计；室内设计")]
OTHER = ["0111", "4710", "5610"]
DISTRICTS = ["330102", "330105", "330106", "330108", "330109", "330110", "330113", "330114"]


def generate(n: int, seed: int = 7) -> tuple[bytes, bytes]:
    rnd = random.Random(seed)
    reg, ann = io.StringIO(), io.StringIO()
    rw, aw = csv.writer(reg), csv.writer(ann)
    rw.writerow(
        ["统一社会信用代码", "企业名称", "国民经济行业代码", "经营范围", "区划代码", "成立日期", "企业类型"]
    )
    aw.writerow(
        [
            "统一社会信用代码",
            "年度",
            "营业收入（万元）",
            "劳动者报酬",
            "生产税净额",
            "固定资产折旧",
            "营业盈余",
            "总产出",
            "从业人员",
            "出口额",
            "规模以上",
        ]
    )
    for i in range(n):
        code = make_valid(f"91330106MA{i:07d}")
        r = rnd.random()
        if r < 0.8:
            gbt, scope = rnd.choice(FULL), "文化服务"
        elif r < 0.9:
            gbt, scope = rnd.choice(PARTIAL)
        else:
            gbt, scope = rnd.choice(OTHER), "一般项目"
        rw.writerow(
            [
                code,
                f"基准测试企业{i}",
                gbt,
                scope,
                rnd.choice(DISTRICTS),
                f"20{rnd.randint(10, 22)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                "有限责任公司",
            ]
        )
        rev = rnd.randint(100, 5_000_000)
        aw.writerow(
            [
                code,
                2023,
                f"{rev:,}",
                rev // 5,
                rev // 20,
                rev // 15,
                rev // 10,
                rev,
                rnd.randint(1, 900),
                0,
                "是" if rev > 2000 else "否",
            ]
        )
    return reg.getvalue().encode("utf-8"), ann.getvalue().encode("utf-8")


def _wipe() -> None:
    from wenchuang.classify.models import ClassificationDecision
    from wenchuang.ingest.models import AnnualSource, BatchChange, EnterpriseRegistration, ImportBatch
    from wenchuang.registry.models import Enterprise, EnterpriseYear

    for model in (ClassificationDecision, AnnualSource, EnterpriseRegistration, BatchChange, EnterpriseYear):
        model.objects.all()._raw_delete(connection.alias)
    ImportBatch.objects.all()._raw_delete(connection.alias)
    Enterprise.objects.all()._raw_delete(connection.alias)
    for tracked in (Enterprise, EnterpriseYear):
        tracked.history.all()._raw_delete(connection.alias)
    if connection.vendor == "sqlite":
        # SQLite keeps deleted pages on its free list: a later contender would reuse them while the first
        # had to grow the file. VACUUM rebuilds the file, so every contender starts from the same state.
        with connection.cursor() as cur:
            cur.execute("VACUUM")
    if connection.vendor == "postgresql":
        # Deleted rows stay in PostgreSQL's tables and indexes as dead tuples until vacuumed: without
        # this, whichever contender runs later inserts into bloated indexes and the order of the runs
        # decides the ratios. Every contender starts from the same compact, empty tables.
        tables = [
            m._meta.db_table
            for m in (
                ClassificationDecision,
                AnnualSource,
                EnterpriseRegistration,
                BatchChange,
                EnterpriseYear,
                ImportBatch,
                Enterprise,
                Enterprise.history.model,
                EnterpriseYear.history.model,
            )
        ]
        with connection.cursor() as cur:
            for table in tables:
                cur.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(table)}")


def run_ours(reg: bytes, ann: bytes) -> float:
    from wenchuang.ingest.services import import_file

    t0 = time.perf_counter()
    a = import_file(kind="registration", data=reg, file_name="bench-reg.csv", recompute=False)
    b = import_file(kind="annual", data=ann, file_name="bench-annual.csv", recompute=False)
    elapsed = time.perf_counter() - t0
    assert a.status == b.status == "done" and a.inserted == b.inserted, (a.message, b.message)
    return elapsed


ENTERPRISE_FLOOR_COLUMNS = (
    *("uscc", "name", "gbt_code", "business_scope", "district_id", "founded_on", "status", "is_demo"),
    *("created_at", "updated_at"),
)
YEAR_FLOOR_COLUMNS = (
    *("enterprise_id", "year", "revenue", "labor_compensation", "net_production_tax", "depreciation"),
    *("operating_surplus", "total_output", "employees", "exports", "is_above_scale", "is_listed"),
    "is_leading",
)
FLOOR_METHODS = ("copy", "executemany", "bulk_create")


def run_floor(reg: bytes, ann: bytes, *, method: str) -> float:
    """The same rows, parsed and typed before the clock starts, written by a plain method with no
    checks: `copy` (PostgreSQL's COPY), `executemany` (raw `INSERT … VALUES` through the driver, 5,000
    rows a call) or `bulk_create(batch_size=5000)`. Enterprises first, then their ids, then the
    enterprise-years."""
    from datetime import date

    from django.utils import timezone

    from wenchuang.registry.models import District, Enterprise, EnterpriseYear

    dist = dict(District.objects.values_list("code", "pk"))
    regs = list(csv.reader(io.StringIO(reg.decode())))[1:]
    anns = list(csv.reader(io.StringIO(ann.decode())))[1:]
    ents: list[tuple[Any, ...]] = [
        (r[0], r[1], r[2], r[3], dist[r[4]], date.fromisoformat(r[5])) for r in regs
    ]
    years: list[tuple[Any, ...]] = [
        (
            Decimal(r[2].replace(",", "")),
            *(Decimal(x) for x in r[3:8]),
            int(r[8]),
            Decimal(r[9]),
            r[10] == "是",
        )
        for r in anns
    ]
    if method in ("copy", "executemany"):
        now: Any = timezone.now()
        if connection.vendor == "sqlite":
            now = connection.ops.adapt_datetimefield_value(now)
            ents = [(*e[:5], e[5].isoformat()) for e in ents]
        t0 = time.perf_counter()
        # one transaction, as ours and bulk_create use: in autocommit SQLite would commit every row
        # the plain method asked for, whatever the database: `core.bulk`'s two primitives
        write = bulk.copy_rows if method == "copy" else bulk.executemany_rows
        with transaction.atomic(), connection.cursor() as cur:
            rows = [(*e, "active", False, now, now) for e in ents]
            write("registry_enterprise", ENTERPRISE_FLOOR_COLUMNS, rows)
            cur.execute("SELECT uscc, id FROM registry_enterprise")
            ids = dict(cur.fetchall())
            year_rows = [(ids[e[0]], 2023, *y, False, False) for e, y in zip(ents, years, strict=True)]
            write("registry_enterpriseyear", YEAR_FLOOR_COLUMNS, year_rows)
        return time.perf_counter() - t0
    objs = [
        Enterprise(
            uscc=e[0], name=e[1], gbt_code=e[2], business_scope=e[3], district_id=e[4], founded_on=e[5]
        )
        for e in ents
    ]
    t0 = time.perf_counter()
    created = Enterprise.objects.bulk_create(objs, batch_size=5000)
    EnterpriseYear.objects.bulk_create(
        [
            EnterpriseYear(
                enterprise_id=e.pk,
                year=2023,
                revenue=y[0],
                labor_compensation=y[1],
                net_production_tax=y[2],
                depreciation=y[3],
                operating_surplus=y[4],
                total_output=y[5],
                employees=y[6],
                exports=y[7],
                is_above_scale=y[8],
            )
            for e, y in zip(created, years, strict=True)
        ],
        batch_size=5000,
    )
    return time.perf_counter() - t0


SCHEMA_FLOOR_TABLES = 5


def run_schema_floor(reg: bytes, ann: bytes) -> float:
    """The physical floor of *this* schema: the same rows in the same five tables our import writes
    (enterprise, registration details, classification decision, enterprise-year, annual provenance),
    with the same constraints, indexes and foreign keys, in one transaction — every value (district
    ids, categories, decisions and their reasons, typed facts) computed before the clock starts, so
    only the writes and the server's checks are timed. COPY on PostgreSQL, raw `executemany` (5,000
    rows a call) on SQLite; keys of the new rows read back once per table, as ours does."""
    from datetime import date

    from django.utils import timezone

    from wenchuang.classify import classifier
    from wenchuang.classify.models import ClassificationDecision
    from wenchuang.classify.services import classifier_inputs
    from wenchuang.ingest.models import AnnualSource, EnterpriseRegistration, ImportBatch
    from wenchuang.registry.models import District, Enterprise, EnterpriseYear

    dist = dict(District.objects.values_list("code", "pk"))
    mapping, rules, pks = classifier_inputs()
    decided: dict[tuple[str, str], Any] = {}
    regs = list(csv.reader(io.StringIO(reg.decode())))[1:]
    anns = list(csv.reader(io.StringIO(ann.decode())))[1:]
    for r in regs:
        if (r[2], r[3]) not in decided:
            d = classifier.classify(r[2], r[3], mapping=mapping, rules=rules)
            cat = pks.get(d.category_code) if d.category_code else None
            decided[(r[2], r[3])] = (d, cat, classifier.scope_hash(r[3]))
    b1 = ImportBatch.objects.create(kind="registration", file_name="floor-reg.csv", status="done")
    b2 = ImportBatch.objects.create(kind="annual", file_name="floor-annual.csv", status="done")
    now: Any = timezone.now()
    sqlite = connection.vendor == "sqlite"
    stamp = connection.ops.adapt_datetimefield_value(now) if sqlite else now
    ents = [
        (
            r[0],
            r[1],
            r[2],
            r[3],
            dist[r[4]],
            r[5] if sqlite else date.fromisoformat(r[5]),
            "active",
            decided[(r[2], r[3])][1],
            False,
            stamp,
            stamp,
        )
        for r in regs
    ]
    details = [(r[6], "", None, "", "", "", b1.pk) for r in regs]
    years = [
        (
            2023,
            Decimal(r[2].replace(",", "")),
            *(Decimal(x) for x in r[3:8]),
            int(r[8]),
            Decimal(r[9]),
            r[10] == "是",
            False,
            False,
        )
        for r in anns
    ]
    if sqlite:
        years = [tuple(str(v) if isinstance(v, Decimal) else v for v in y) for y in years]

    ent_fields = (
        "uscc",
        "name",
        "gbt_code",
        "business_scope",
        "district",
        "founded_on",
        "status",
        "culture_category",
        "is_demo",
        "created_at",
        "updated_at",
    )
    det_fields = ("enterprise", *DETAIL_FIELDS, "batch")  # the same columns as ours writes
    dec_fields = DECISION_COLUMNS
    year_fields = ("enterprise", "year", *ENTERPRISE_YEAR_FIELDS)
    src_fields = ("enterprise_year", "batch")

    def write(cur: Any, model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        # the database's plain method (COPY / executemany), as `core.bulk` writes without types
        bulk.insert_rows(model._meta.db_table, [model._meta.get_field(n).column for n in names], rows)

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        write(cur, Enterprise, ent_fields, ents)
        cur.execute("SELECT uscc, id FROM registry_enterprise")
        ids = dict(cur.fetchall())
        eids = [ids[r[0]] for r in regs]
        write(cur, EnterpriseRegistration, det_fields, [(e, *d) for e, d in zip(eids, details, strict=True)])
        write(
            cur,
            ClassificationDecision,
            dec_fields,
            [
                (
                    e,
                    dc[1],
                    dc[0].confidence,
                    dc[0].reason,
                    dc[0].method,
                    r[2],
                    dc[2],
                    dc[0].needs_review,
                    stamp,
                )
                for e, r in zip(eids, regs, strict=True)
                for dc in (decided[(r[2], r[3])],)
            ],
        )
        write(cur, EnterpriseYear, year_fields, [(e, *y) for e, y in zip(eids, years, strict=True)])
        cur.execute("SELECT id FROM registry_enterpriseyear")
        write(cur, AnnualSource, src_fields, [(y, b2.pk) for (y,) in cur.fetchall()])
    return time.perf_counter() - t0


ENTERPRISE_YEAR_FIELDS = (
    "revenue",
    "labor_compensation",
    "net_production_tax",
    "depreciation",
    "operating_surplus",
    "total_output",
    "employees",
    "exports",
    "is_above_scale",
    "is_listed",
    "is_leading",
)


def run_iie(reg: bytes, ann: bytes, rows: int) -> float | None:
    try:
        import tablib
        from import_export import fields, resources, widgets
    except ImportError:
        return None
    from wenchuang.registry.models import District, Enterprise, EnterpriseYear

    class EnterpriseResource(resources.ModelResource):
        district = fields.Field(
            attribute="district", column_name="district", widget=widgets.ForeignKeyWidget(District, "code")
        )

        class Meta:
            model = Enterprise
            import_id_fields = ("uscc",)
            fields = ("uscc", "name", "gbt_code", "business_scope", "district", "founded_on")

    class YearResource(resources.ModelResource):
        enterprise = fields.Field(
            attribute="enterprise",
            column_name="enterprise",
            widget=widgets.ForeignKeyWidget(Enterprise, "uscc"),
        )

        class Meta:
            model = EnterpriseYear
            import_id_fields = ("enterprise", "year")
            fields = ("enterprise", "year", "revenue", "employees")

    regs = list(csv.reader(io.StringIO(reg.decode())))[1 : rows + 1]
    anns = list(csv.reader(io.StringIO(ann.decode())))[1 : rows + 1]
    d1 = tablib.Dataset(headers=["uscc", "name", "gbt_code", "business_scope", "district", "founded_on"])
    for r in regs:
        d1.append(r[:6])
    d2 = tablib.Dataset(headers=["enterprise", "year", "revenue", "employees"])
    for r in anns:
        d2.append([r[0], r[1], r[2].replace(",", ""), r[8]])
    t0 = time.perf_counter()
    res1 = EnterpriseResource().import_data(d1, use_transactions=True)
    res2 = YearResource().import_data(d2, use_transactions=True)
    elapsed = time.perf_counter() - t0
    assert not res1.has_errors() and not res2.has_errors()
    return elapsed


class NotScratch(RuntimeError):
    pass


def bench(n: int, iie_rows: int | None = None) -> dict[str, Any]:
    from wenchuang.classify.reference import reference_load
    from wenchuang.registry.models import Enterprise

    if Enterprise.objects.exclude(uscc__startswith="91330106MA").exists():
        raise NotScratch("数据库中有非基准测试的企业数据；基准测试会删除全部企业，请使用临时数据库。")
    reference_load()
    reg, ann = generate(n)
    total = 2 * n
    # the floor the goal is judged against is the fastest plain method of the database (COPY on
    # PostgreSQL, raw executemany on SQLite); the other plain methods are timed for comparison
    methods = FLOOR_METHODS if connection.vendor == "postgresql" else FLOOR_METHODS[1:]
    floors: dict[str, float] = {}
    for method in methods:
        _wipe()
        floors[method] = run_floor(reg, ann, method=method)
    floor_method = methods[0]
    floor = floors[floor_method]
    _wipe()
    schema_floor = run_schema_floor(reg, ann)
    _wipe()
    ours = run_ours(reg, ann)
    _wipe()
    m = min(n, iie_rows or n)
    iie = run_iie(reg, ann, m)
    _wipe()
    out: dict[str, Any] = {
        "database": connection.vendor,
        "rows": total,
        "ours_s": round(ours, 2),
        "ours_rows_per_s": round(total / ours),
        "floor_s": round(floor, 2),
        "floor_rows_per_s": round(total / floor),
        "schema_floor_s": round(schema_floor, 2),
        "schema_floor_method": f"{floor_method} into the same {SCHEMA_FLOOR_TABLES} tables, one transaction",
        "ours_vs_schema_floor_time": round(ours / schema_floor, 2),
        "goal_vs_schema_floor": "≤ 2×",
        "ours_vs_floor_time": round(ours / floor, 2),
        "floor_method": floor_method,
        "ours_write_method": (
            "COPY (new rows, keys from the sequence) + INSERT … ON CONFLICT DO UPDATE (changed rows)"
            if connection.vendor == "postgresql"
            else "executemany INSERT … ON CONFLICT DO UPDATE"
        ),
    }
    for method, seconds in floors.items():
        if method != floor_method:
            out[f"floor_{method}_s"] = round(seconds, 2)
            out[f"ours_vs_{method}_floor_time"] = round(ours / seconds, 2)
    if iie is not None:
        rate = 2 * m / iie
        out.update(
            {
                "iie_rows": 2 * m,
                "iie_s": round(iie, 2),
                "iie_rows_per_s": round(rate),
                "ours_speedup_vs_iie": round((total / ours) / rate, 1),
                "goal_vs_iie": "≥ 10×",
            }
        )
    else:
        out["iie"] = "django-import-export not installed (pip install -e '.[bench]')"
    return out


def bench_command(command: Any, *, rows: int, iie_rows: int | None, as_json: bool) -> None:
    """`wenchuang bench import --rows N [--iie-rows M] [--json]` (the stats-owned `bench` command
    dispatches here)."""
    import json

    from django.core.management.base import CommandError

    try:
        out = bench(rows, iie_rows)
    except NotScratch as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        command.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for k, v in out.items():
            command.stdout.write(f"{k}: {v}")
