"""Incremental refresh: after an import (or its undo) only the (year, district) partitions it touched
are recomputed, and the result equals a full refresh (see docs/performance.md, "Incremental refresh").

What is recomputed, and why that equals a full refresh:

1. **Cells of the touched partitions.** A cell's grain (year × district × platform × 小类 ×
   above-scale) lies inside one (year, district) partition, and every measure except `va_estimated`
   is a COUNT or SUM over that cell's micro rows only. So the touched partitions' cells are rebuilt by
   the same GROUP BY as a full refresh, narrowed to those partitions; the other partitions' cells have
   the same micro rows as before and keep their measures.
2. **The rates of the touched years.** A value-added rate is per 小类 × year and depends on the rate
   bases (`n_rate_basis`, `rate_va`, `rate_revenue`) of *every* district of the year, with the
   中类/大类/all-enterprises fallback over the whole year. The bases are sums, stored in every cell,
   so the year's bases are one small GROUP BY over the year's cells: the untouched partitions' stored
   cells plus the touched partitions' freshly staged ones (tens of thousands of cells, never micro
   rows). `valueadded.rates_for` then picks each 小类's rate exactly as the full refresh does, and
   the touched years' rates are rewritten.
3. **`va_estimated` wherever the rate moved.** A cell's estimate is `ROUND(revenue_missing × rate, 2)`
   with the rate of its 小类-year. The touched partitions' cells are written with the new rates; in
   the other partitions of the touched years, exactly the cells whose stored rate differs from the new
   one are updated (their `revenue_missing` did not change). Years not touched keep cells and rates.
4. **The "as of" of the touched years** (`RollupYear`: cells and micro rows counted from the year's
   cells).

The caller names the partitions: every (year, district) in which a micro row was inserted, changed
or deleted, *and* for an enterprise whose district or 小类 changed, every year of it in the old and
the new district (`of_enterprise_years`, `of_enterprises`). A partition named needlessly costs time,
never correctness; a partition missed is what `stats reconcile` finds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import rollup
from wenchuang.stats.models import RollupYear

Partition = tuple[int, int]  # (year, district id)
_CHUNK = 5_000
# pg_advisory_xact_lock class id of the rollup refresh (one lock per year; see `_lock_years`).
_LOCK_CLASS = 19_0000


def normalise(partitions: Iterable[Iterable[int]]) -> list[Partition]:
    """Sorted distinct (year, district id) pairs (accepts lists, as they come back from a task's JSON)."""
    out: set[Partition] = set()
    for p in partitions:
        year, district = p
        out.add((int(year), int(district)))
    return sorted(out)


def partition_filter_sql(
    parts: list[Partition], *, year: str = "ey.year", district: str = "e.district_id"
) -> str:
    """A WHERE condition selecting the partitions: per year, its districts. Values are ints we made."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for y, d in parts:
        by_year[y].add(d)
    terms = [
        f"({year} = {int(y)} AND {district} IN ({', '.join(str(int(d)) for d in sorted(ds))}))"
        for y, ds in sorted(by_year.items())
    ]
    return "(" + " OR ".join(terms) + ")" if terms else "(1 = 0)"


def of_enterprise_years(ids: Iterable[int]) -> set[Partition]:
    """The partitions holding these enterprise-years now (call before deleting them)."""
    ids = sorted(set(ids))
    out: set[Partition] = set()
    for i in range(0, len(ids), _CHUNK):
        qs = EnterpriseYear.objects.filter(pk__in=ids[i : i + _CHUNK]).order_by()
        out.update(qs.values_list("year", "enterprise__district_id").distinct())
    return out


def of_enterprises(
    ids: Iterable[int], *, other_districts: Mapping[int, int | None] | None = None
) -> set[Partition]:
    """Every year of these enterprises in their district now, and in `other_districts[id]` (the district
    before a move) — what a change of an enterprise's district or 小类 touches."""
    ids = sorted(set(ids))
    other = other_districts or {}
    out: set[Partition] = set()
    for i in range(0, len(ids), _CHUNK):
        qs = EnterpriseYear.objects.filter(enterprise_id__in=ids[i : i + _CHUNK]).order_by()
        for year, eid, district in qs.values_list(
            "year", "enterprise_id", "enterprise__district_id"
        ).distinct():
            out.add((year, district))
            before = other.get(eid)
            if before is not None:
                out.add((year, int(before)))
    return out


def _lock_years(cursor: object, years: list[int]) -> None:
    """Serialise refreshes of the same year on PostgreSQL (a year's rates read its other partitions'
    cells): transaction-scoped advisory locks, taken in year order. SQLite serialises writers itself."""
    if connection.vendor == "postgresql":
        for y in years:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, int(y)])  # type: ignore[attr-defined]


def whole_years(years: Iterable[int]) -> list[Partition]:
    """Every partition of these years: each district of the registry and each district with cells."""
    from wenchuang.registry.models import District
    from wenchuang.stats.models import FactCell

    years = sorted({int(y) for y in years})
    districts = set(District.objects.values_list("id", flat=True))
    districts |= set(FactCell.objects.filter(year__in=years).values_list("district_id", flat=True).distinct())
    return [(y, d) for y in years for d in sorted(districts)]


def expand(partitions: Iterable[Iterable[int]]) -> list[Partition]:
    """The partitions named, and every partition of a named year never refreshed (it has no cells for
    its other partitions to keep: it is rebuilt whole)."""
    parts = normalise(partitions)
    years = sorted({y for y, _ in parts})
    refreshed = set(RollupYear.objects.filter(year__in=years).values_list("year", flat=True))
    if len(refreshed) < len(years):
        parts = normalise([*parts, *whole_years(y for y in years if y not in refreshed)])
    return parts


def all_years() -> list[int]:
    """Every year with micro data or refreshed before (what a full refresh covers)."""
    return sorted(set(rollup.micro_years()) | set(RollupYear.objects.values_list("year", flat=True)))


# Fills the staging table `name` with the cells of `parts` (columns and types of the micro GROUP BY).
Stager = Callable[[Any, str, list[int], list[Partition]], None]


def stage_in_database(cursor: Any, name: str, years: list[int], parts: list[Partition]) -> None:
    """The database engine: the micro GROUP BY narrowed to the partitions, into a temporary table.

    A few districts of a year are best found from the district's enterprises through the (enterprise,
    year) unique index; PostgreSQL's default random-page cost (spinning disks) makes it scan the whole
    year instead (0.33 s against 0.15 s for one district at 1M). For such a refresh the statement runs
    with the cost of a cached or SSD page (1.1), restored right after; SQLite already plans it so."""
    few = connection.vendor == "postgresql" and len(parts) <= len(years) * 3
    if few:
        cursor.execute("SET LOCAL random_page_cost = 1.1")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {name} AS "
        + rollup.micro_group_by_sql(years, where=partition_filter_sql(parts))
    )
    if few:
        cursor.execute("SET LOCAL random_page_cost TO DEFAULT")


def refresh_partitions(
    partitions: Iterable[Iterable[int]],
    *,
    stage: Stager = stage_in_database,
    pick: rollup.RatesPicker = rollup.pick_rates,
) -> rollup.RefreshResult:
    """Recompute the named (year, district) partitions and what their change implies (module docstring).
    One transaction: a failure leaves the previous cells, rates and "as of" in place. `stage` computes
    the partitions' cells and `pick` the rates (in the database, or on the Dask cluster)."""
    parts = expand(partitions)
    now = timezone.now()
    if not parts:
        return rollup.RefreshResult([], 0, 0, now)
    years = sorted({y for y, _ in parts})
    t = rollup._tables()
    stage_name = rollup._STAGE
    stamp = connection.ops.adapt_datetimefield_value(now)
    in_years = f"year IN ({rollup._years_sql(years)})"
    cell_parts = partition_filter_sql(parts, year="year", district="district_id")
    basis_columns = "year, category_key, category_code, n_rate_basis, rate_va, rate_revenue, n_rows"
    cell_columns = ", ".join(
        [*rollup.KEY_COLUMNS, *rollup.MEASURE_NAMES, "va_rate", "va_estimated", "refreshed_at"]
    )
    staged = ", ".join(f"s.{c}" for c in (*rollup.KEY_COLUMNS, *rollup.MEASURE_NAMES))
    cell = t["cell"]
    other_parts = f"{cell}.year IN ({rollup._years_sql(years)}) AND NOT " + partition_filter_sql(
        parts, year=f"{cell}.year", district=f"{cell}.district_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_years(cursor, years)
        cursor.execute(f"DROP TABLE IF EXISTS {stage_name}")
        stage(cursor, stage_name, years, parts)
        # The years' rate bases: stored cells of the untouched partitions + the staged cells.
        cursor.execute(
            f"""SELECT year, category_key, category_code, SUM(n_rate_basis), SUM(rate_va), SUM(rate_revenue),
  COUNT(*), SUM(n_rows) FROM (
  SELECT {basis_columns} FROM {t["cell"]} WHERE {in_years} AND NOT {cell_parts}
  UNION ALL
  SELECT {basis_columns} FROM {stage_name}
) b GROUP BY year, category_key, category_code"""  # noqa: S608
        )
        bases = cursor.fetchall()
        cursor.execute(f"DELETE FROM {t['cell']} WHERE {cell_parts}")  # noqa: S608
        cursor.execute(f"DELETE FROM {t['rate']} WHERE {in_years}")  # noqa: S608
        rates = rollup._write_rates(bases, stamp, pick)
        if connection.vendor == "postgresql":
            # Fresh statistics of the (small) rate table: with stale ones the UPDATE below probes the
            # cell index once per 小类 instead of one hash join over the year's cells (0.2 s vs 0.02 s).
            cursor.execute(f"ANALYZE {t['rate']}")
        cursor.execute(
            f"""INSERT INTO {t["cell"]} ({cell_columns})
SELECT {staged}, r.rate, COALESCE(ROUND(s.revenue_missing * r.rate, 2), 0), %s
FROM {stage_name} s
LEFT JOIN {t["rate"]} r ON r.year = s.year AND r.category_key = s.category_key""",  # noqa: S608
            [stamp],
        )
        # The untouched partitions' cells whose 小类-year rate moved: new rate, new estimate.
        cursor.execute(
            f"""UPDATE {cell} SET va_rate = r.rate,
  va_estimated = COALESCE(ROUND({cell}.revenue_missing * r.rate, 2), 0), refreshed_at = %s
FROM {t["rate"]} r
WHERE r.year = {cell}.year AND r.category_key = {cell}.category_key AND {other_parts}
  AND {cell}.va_rate IS DISTINCT FROM r.rate""",  # noqa: S608
            [stamp],
        )
        cursor.execute(f"DROP TABLE {stage_name}")
        counts: dict[int, list[int]] = {}
        for row in bases:
            c = counts.setdefault(int(row[0]), [0, 0])
            c[0] += int(row[6])
            c[1] += int(row[7] or 0)
        RollupYear.objects.filter(year__in=years).delete()
        RollupYear.objects.bulk_create(
            [
                RollupYear(
                    year=y,
                    refreshed_at=now,
                    source_rows=counts.get(y, [0, 0])[1],
                    cells=counts.get(y, [0, 0])[0],
                )
                for y in years
            ]
        )
    return rollup.RefreshResult(
        years,
        sum(c[0] for c in counts.values()),
        sum(c[1] for c in counts.values()),
        now,
        rates,
    )
