"""The rollup refresh and its reconciliation against the micro data (set-based SQL; see services.py
for the callable entry points).

A refresh rebuilds the affected years' cells and rates inside one transaction: one GROUP BY over the
enterprise-years into a temporary staging table; one small GROUP BY over the staged cells gives the
per-小类 rate bases, from which `valueadded.rates_for` picks each 小类's rate; the years' old cells and
rates are deleted; the rates are inserted; one INSERT…SELECT joins each staged cell to its rate and
writes it with its estimate. Nothing iterates over micro rows in Python, and rerunning gives the same
cells (no double counting after a partial refresh).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from wenchuang.classify.models import CultureCategory
from wenchuang.core import bulk
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.stats import valueadded
from wenchuang.stats.models import FactCell, RollupYear, ValueAddedRate

_FULL = (
    "ey.labor_compensation IS NOT NULL AND ey.net_production_tax IS NOT NULL "
    "AND ey.depreciation IS NOT NULL AND ey.operating_surplus IS NOT NULL"
)
_VA = "(ey.labor_compensation + ey.net_production_tax + ey.depreciation + ey.operating_surplus)"

# (cell column, aggregate over the micro rows); the order is the INSERT's column order.
MEASURES: tuple[tuple[str, str], ...] = (
    ("n_rows", "COUNT(*)"),
    ("n_direct", f"SUM(CASE WHEN {_FULL} THEN 1 ELSE 0 END)"),
    ("n_estimated", f"SUM(CASE WHEN NOT ({_FULL}) AND ey.revenue IS NOT NULL THEN 1 ELSE 0 END)"),
    ("n_unknown", f"SUM(CASE WHEN NOT ({_FULL}) AND ey.revenue IS NULL THEN 1 ELSE 0 END)"),
    ("n_rate_basis", f"SUM(CASE WHEN {_FULL} AND ey.revenue > 0 THEN 1 ELSE 0 END)"),
    ("n_output_reported", "COUNT(ey.total_output)"),
    ("n_revenue", "COUNT(ey.revenue)"),
    ("n_employees", "COUNT(ey.employees)"),
    ("n_listed", "SUM(CASE WHEN ey.is_listed THEN 1 ELSE 0 END)"),
    ("n_leading", "SUM(CASE WHEN ey.is_leading THEN 1 ELSE 0 END)"),
    ("n_listed_or_leading", "SUM(CASE WHEN ey.is_listed OR ey.is_leading THEN 1 ELSE 0 END)"),
    ("revenue", "COALESCE(SUM(ey.revenue), 0)"),
    ("employees", "COALESCE(SUM(ey.employees), 0)"),
    ("exports", "COALESCE(SUM(ey.exports), 0)"),
    # Total output as reported; where not reported, revenue stands in (documented in docs/performance.md).
    ("total_output", "COALESCE(SUM(COALESCE(ey.total_output, ey.revenue)), 0)"),
    ("va_direct", f"COALESCE(SUM(CASE WHEN {_FULL} THEN {_VA} END), 0)"),
    ("rate_va", f"COALESCE(SUM(CASE WHEN {_FULL} AND ey.revenue > 0 THEN {_VA} END), 0)"),
    ("rate_revenue", f"COALESCE(SUM(CASE WHEN {_FULL} AND ey.revenue > 0 THEN ey.revenue END), 0)"),
    ("revenue_missing", f"COALESCE(SUM(CASE WHEN NOT ({_FULL}) THEN ey.revenue END), 0)"),
)
MEASURE_NAMES = tuple(name for name, _ in MEASURES)
KEY_NAMES = ("year", "district_id", "platform_key", "category_key", "is_above_scale")

# Money sums on SQLite are computed in floating point: allow a cent (of 万元) of rounding per cell.
MONEY_TOLERANCE = Decimal("0.011")
CENT = Decimal("0.01")
COUNT_MEASURES = frozenset(n for n in MEASURE_NAMES if n.startswith("n_") or n == "employees")


def _tables() -> dict[str, str]:
    return {
        "ey": EnterpriseYear._meta.db_table,
        "e": Enterprise._meta.db_table,
        "c": CultureCategory._meta.db_table,
        "cell": FactCell._meta.db_table,
        "rate": ValueAddedRate._meta.db_table,
    }


def _years_sql(years: list[int]) -> str:
    # Years are ints we produced ourselves; inlining keeps the statement identical on both backends.
    return ", ".join(str(int(y)) for y in years)


KEY_COLUMNS = (
    "year",
    "district_id",
    "platform_key",
    "category_key",
    "is_above_scale",
    "category_code",
    "is_digital",
    "is_core",
)
# Staging table of a refresh: the GROUP BY's result, before the rates are known (per connection).
_STAGE = "stats_refresh_stage"


def micro_group_by_sql(years: list[int] | None, *, where: str = "") -> str:
    """The single GROUP BY over the micro rows at the rollup's grain (also the benchmark's floor), for
    `years` or every year (None); `where` narrows it further (`partitions.partition_filter_sql`)."""
    t = _tables()
    conditions = [c for c in ("" if years is None else f"ey.year IN ({_years_sql(years)})", where) if c]
    aggregates = ",\n  ".join(f"{expr} AS {name}" for name, expr in MEASURES)
    # Table names come from model metadata and years are ints: nothing user-supplied is interpolated.
    return f"""
SELECT ey.year AS year, e.district_id AS district_id, COALESCE(e.platform_id, 0) AS platform_key,
  COALESCE(e.culture_category_id, 0) AS category_key, ey.is_above_scale AS is_above_scale,
  COALESCE(c.code, '') AS category_code, COALESCE(c.is_new_form, FALSE) AS is_digital,
  COALESCE(c.domain = 'core', FALSE) AS is_core,
  {aggregates}
FROM {t["ey"]} ey
JOIN {t["e"]} e ON e.id = ey.enterprise_id
LEFT JOIN {t["c"]} c ON c.id = e.culture_category_id
{"WHERE " + " AND ".join(conditions) if conditions else ""}
GROUP BY ey.year, e.district_id, COALESCE(e.platform_id, 0), COALESCE(e.culture_category_id, 0),
  ey.is_above_scale, c.code, c.is_new_form, c.domain"""  # noqa: S608


@dataclass
class RefreshResult:
    years: list[int]
    cells: int
    source_rows: int
    refreshed_at: datetime
    rates: dict[int, int] = field(default_factory=dict)  # year → 小类 with an estimated rate


def micro_years() -> list[int]:
    return sorted(EnterpriseYear.objects.order_by().values_list("year", flat=True).distinct())


def refresh(years: Iterable[int] | None = None) -> RefreshResult:
    """Rebuild the cells and rates of `years` (all years with micro data or cells when None).

    The GROUP BY goes into a temporary staging table (CREATE TABLE … AS may run in parallel on
    PostgreSQL; INSERT … SELECT may not); the rate bases are one small GROUP BY over the staged cells;
    the rates are written; then one INSERT … SELECT joins each staged cell to its 小类-year's rate. Each
    cell is written once, with its estimate — there is no UPDATE pass over the fact table.
    """
    full = years is None
    # A full refresh learns its years from the staged cells (no extra scan of the micro rows for them).
    target = [] if full else sorted({int(y) for y in years})  # type: ignore[union-attr]
    now = timezone.now()
    if not full and not target:
        return RefreshResult([], 0, 0, now)
    t = _tables()
    stamp = connection.ops.adapt_datetimefield_value(now)
    cell_columns = ", ".join([*KEY_COLUMNS, *MEASURE_NAMES, "va_rate", "va_estimated", "refreshed_at"])
    staged = ", ".join(f"s.{c}" for c in (*KEY_COLUMNS, *MEASURE_NAMES))
    insert = f"""
INSERT INTO {t["cell"]} ({cell_columns})
SELECT {staged}, r.rate, COALESCE(ROUND(s.revenue_missing * r.rate, 2), 0), %s
FROM {_STAGE} s
LEFT JOIN {t["rate"]} r ON r.year = s.year AND r.category_key = s.category_key"""  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE} AS {micro_group_by_sql(None if full else target)}")
        cursor.execute(
            f"""SELECT year, category_key, category_code, SUM(n_rate_basis), SUM(rate_va), SUM(rate_revenue),
  COUNT(*), SUM(n_rows) FROM {_STAGE} GROUP BY year, category_key, category_code"""  # noqa: S608
        )
        bases = cursor.fetchall()
        if full:
            # Every year with micro data, and every year refreshed before (emptied if its data is gone).
            target = sorted(
                {int(row[0]) for row in bases} | set(RollupYear.objects.values_list("year", flat=True))
            )
        for table in (t["cell"], t["rate"]):
            # A full refresh covers every year that can have cells: without a WHERE, SQLite empties the
            # table wholesale (its truncate optimisation). PostgreSQL keeps the MVCC-friendly DELETE
            # (TRUNCATE would lock out the dashboards' reads until commit).
            where = "" if full else f" WHERE year IN ({_years_sql(target)})"
            cursor.execute(f"DELETE FROM {table}{where}")  # noqa: S608
        rates = _write_rates(bases, stamp)
        cursor.execute(insert, [stamp])
        cursor.execute(f"DROP TABLE {_STAGE}")
        counts: dict[int, list[int]] = {}
        for row in bases:
            c = counts.setdefault(int(row[0]), [0, 0])
            c[0] += int(row[6])
            c[1] += int(row[7])
        RollupYear.objects.filter(year__in=target).delete()
        RollupYear.objects.bulk_create(
            [
                RollupYear(
                    year=y,
                    refreshed_at=now,
                    source_rows=counts.get(y, [0, 0])[1],
                    cells=counts.get(y, [0, 0])[0],
                )
                for y in target
            ]
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The refresh replaced every cell of its years: reclaim the dead versions now rather than leave
        # them to autovacuum (each later refresh's unique-index checks would wade through them).
        # Outside any transaction only. (ANALYZE is left to autovacuum: it would double the cost.)
        with connection.cursor() as cursor:
            # TRUNCATE false: never wait for the exclusive lock that returning empty pages would need.
            cursor.execute(f"VACUUM (TRUNCATE false) {t['cell']}, {t['rate']}")
    return RefreshResult(
        target,
        sum(c[0] for c in counts.values()),
        sum(c[1] for c in counts.values()),
        now,
        rates,
    )


def _dec(value: object) -> Decimal:
    # SQLite sums money as floats; str() gives the shortest repr, as the reconciliation reads it.
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


RatesPicker = Callable[[dict[int, dict[str, valueadded.Basis]]], dict[int, dict[str, valueadded.Rate]]]


def pick_rates(bases: dict[int, dict[str, valueadded.Basis]]) -> dict[int, dict[str, valueadded.Rate]]:
    """`valueadded.rates_for` for each year (in process; the Dask engine runs it on its workers)."""
    return {year: valueadded.rates_for(b) for year, b in bases.items()}


def _write_rates(bases: list[tuple[Any, ...]], stamp: Any, pick: RatesPicker = pick_rates) -> dict[int, int]:
    """Pick each 小类-year's rate from the staged bases (`valueadded.rates_for`) and insert them set-based
    (`core.bulk`); returns, per year, how many 小类 have a rate."""
    by_year: dict[int, dict[str, tuple[int, valueadded.Basis]]] = defaultdict(dict)
    for year, key, code, n, va, rev, *_ in bases:
        by_year[int(year)][code] = (int(key), valueadded.Basis(int(n or 0), _dec(va), _dec(rev)))
    rows: list[tuple[Any, ...]] = []
    estimated: dict[int, int] = {}
    adapt = connection.ops.adapt_decimalfield_value
    picked = pick(
        {y: {code: basis for code, (_, basis) in by_code.items()} for y, by_code in by_year.items()}
    )
    for year, by_code in by_year.items():
        rates = picked[year]
        estimated[year] = sum(1 for r in rates.values() if r.value is not None)
        for code, rate in rates.items():
            rows.append(
                (
                    year,
                    by_code[code][0],
                    code,
                    rate.level,
                    rate.basis_code,
                    rate.basis.rows,
                    adapt(rate.basis.va, 24, 2),
                    adapt(rate.basis.revenue, 24, 2),
                    None if rate.value is None else adapt(rate.value, 24, 12),
                    stamp,
                )
            )
    columns = "year category_key category_code level basis_code basis_rows basis_va basis_revenue rate"
    bulk.insert_rows(ValueAddedRate._meta.db_table, [*columns.split(), "refreshed_at"], rows)
    return estimated


# --- reconciliation ---------------------------------------------------------------------------


@dataclass
class Mismatch:
    key: tuple[object, ...]
    measure: str
    micro: object
    rollup: object

    def __str__(self) -> str:
        return f"{self.key} {self.measure}: 微观数据 {self.micro} ≠ 汇总表 {self.rollup}"


@dataclass
class ReconcileResult:
    years: list[int]
    cells_checked: int
    micro_rows: int
    mismatches: list[Mismatch]
    missing_years: list[int]  # years with micro data but no refresh
    stale_years: list[int]  # years refreshed but with no micro data left

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.missing_years and not self.stale_years


def reconcile(years: Iterable[int] | None = None) -> ReconcileResult:
    """Recompute every cell from the micro data (the raw GROUP BY) and the rates from those, and compare
    with the stored rollup, measure by measure, cell by cell."""
    micro = set(micro_years())
    rolled = set(RollupYear.objects.values_list("year", flat=True))
    target = sorted(micro | rolled) if years is None else sorted({int(y) for y in years})
    mismatches: list[Mismatch] = []
    # Cell values are raw database values (str, bool, int, Decimal or float by backend): Any.
    expected: dict[tuple[object, ...], dict[str, Any]] = {}
    key: tuple[object, ...]
    if target:
        with connection.cursor() as cursor:
            cursor.execute(micro_group_by_sql(target))
            for row in cursor.fetchall():
                key = (row[0], row[1], row[2], row[3], bool(row[4]))
                expected[key] = {"category_code": row[5], "is_digital": bool(row[6]), "is_core": bool(row[7])}
                expected[key].update(zip(MEASURE_NAMES, row[8:], strict=True))
    # Expected estimates: the rates that the micro data imply, applied to each cell's revenue_missing.
    bases: dict[int, dict[str, valueadded.Basis]] = defaultdict(dict)
    for key, values in expected.items():
        code = str(values["category_code"])
        b = valueadded.Basis(
            int(values["n_rate_basis"]), Decimal(str(values["rate_va"])), Decimal(str(values["rate_revenue"]))
        )
        year = int(key[0])  # type: ignore[call-overload]
        bases[year][code] = bases[year].get(code, valueadded.Basis()) + b
    rates = {year: valueadded.rates_for(b) for year, b in bases.items()}
    for key, values in expected.items():
        rate = rates[int(key[0])][str(values["category_code"])].value  # type: ignore[call-overload]
        values["va_estimated"] = (
            (Decimal(str(values["revenue_missing"])) * rate).quantize(CENT, ROUND_HALF_UP)
            if rate is not None
            else 0
        )

    stored: dict[tuple[object, ...], dict[str, Any]] = {}
    for cell in FactCell.objects.filter(year__in=target).values(
        *KEY_NAMES, "category_code", "is_digital", "is_core", *MEASURE_NAMES, "va_estimated"
    ):
        key = tuple(cell[k] for k in KEY_NAMES)
        stored[key] = cell
    names = ("category_code", "is_digital", "is_core", *MEASURE_NAMES, "va_estimated")
    for key in sorted(set(expected) | set(stored), key=str):
        want, have = expected.get(key), stored.get(key)
        if want is None or have is None:
            mismatches.append(
                Mismatch(key, "cell", "present" if want else "absent", "present" if have else "absent")
            )
            continue
        for name in names:
            if not _equal(name, want[name], have[name]):
                mismatches.append(Mismatch(key, name, want[name], have[name]))
    return ReconcileResult(
        target,
        len(stored),
        sum(int(v["n_rows"]) for v in expected.values()),  # type: ignore[call-overload]
        mismatches,
        missing_years=sorted(y for y in micro - rolled if y in target),
        stale_years=sorted(
            y for y in rolled - micro if y in target and FactCell.objects.filter(year=y).exists()
        ),
    )


def _equal(name: str, a: object, b: object) -> bool:
    if name == "category_code":
        return a == b
    if name in COUNT_MEASURES or name in ("is_digital", "is_core"):
        return int(a) == int(b)  # type: ignore[call-overload]
    da, db = Decimal(str(a)), Decimal(str(b))
    tolerance = Decimal("0") if connection.vendor == "postgresql" else MONEY_TOLERANCE
    return abs(da - db) <= tolerance
