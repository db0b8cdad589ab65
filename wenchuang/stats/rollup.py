"""The rollup refresh and its reconciliation against the micro data (set-based SQL; see services.py
for the callable entry points).

A refresh deletes the affected years' cells and rates and rebuilds them inside one transaction:
one INSERT…SELECT … GROUP BY over the enterprise-years builds the cells; one small GROUP BY over the
new cells gives the per-小类 rate bases, from which `valueadded.rates_for` picks each 小类's rate; one
UPDATE applies the rates. Nothing iterates over micro rows in Python, and rerunning gives the same
cells (no double counting after a partial refresh).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from wenchuang.classify.models import CultureCategory
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


def micro_group_by_sql(years: list[int]) -> str:
    """The single GROUP BY over the micro rows at the rollup's grain (also the benchmark's floor)."""
    t = _tables()
    aggregates = ",\n  ".join(expr for _, expr in MEASURES)
    # Table names come from model metadata and years are ints: nothing user-supplied is interpolated.
    return f"""
SELECT ey.year, e.district_id, COALESCE(e.platform_id, 0), COALESCE(e.culture_category_id, 0),
  ey.is_above_scale, COALESCE(c.code, ''), COALESCE(c.is_new_form, FALSE), COALESCE(c.domain = 'core', FALSE),
  {aggregates}
FROM {t["ey"]} ey
JOIN {t["e"]} e ON e.id = ey.enterprise_id
LEFT JOIN {t["c"]} c ON c.id = e.culture_category_id
WHERE ey.year IN ({_years_sql(years)})
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
    """Rebuild the cells and rates of `years` (all years with micro data or cells when None)."""
    if years is None:
        target = sorted(set(micro_years()) | set(RollupYear.objects.values_list("year", flat=True)))
    else:
        target = sorted({int(y) for y in years})
    now = timezone.now()
    if not target:
        return RefreshResult([], 0, 0, now)
    t = _tables()
    columns = ", ".join(
        [
            "year",
            "district_id",
            "platform_key",
            "category_key",
            "is_above_scale",
            "category_code",
            "is_digital",
            "is_core",
            *MEASURE_NAMES,
            "va_estimated",
            "refreshed_at",
        ]
    )
    insert = f"""
INSERT INTO {t["cell"]} ({columns})
SELECT g.*, 0, %s FROM ({micro_group_by_sql(target)}) g"""  # noqa: S608
    with transaction.atomic():
        FactCell.objects.filter(year__in=target).delete()
        ValueAddedRate.objects.filter(year__in=target).delete()
        with connection.cursor() as cursor:
            cursor.execute(insert, [now])
        rates = _apply_rates(target, now)
        counts = {
            row["year"]: row
            for row in FactCell.objects.filter(year__in=target)
            .values("year")
            .annotate(cells=Count("id"), rows=Sum("n_rows"))
        }
        RollupYear.objects.filter(year__in=target).delete()
        RollupYear.objects.bulk_create(
            [
                RollupYear(
                    year=y,
                    refreshed_at=now,
                    source_rows=counts.get(y, {}).get("rows") or 0,
                    cells=counts.get(y, {}).get("cells") or 0,
                )
                for y in target
            ]
        )
    return RefreshResult(
        target,
        sum(c["cells"] for c in counts.values()),
        sum(c["rows"] or 0 for c in counts.values()),
        now,
        rates,
    )


def _rate_bases(years: list[int]) -> dict[int, dict[str, tuple[int, valueadded.Basis]]]:
    """Per year, per 小类 key: (category key, basis) from the new cells — a GROUP BY over cells, not rows."""
    out: dict[int, dict[str, tuple[int, valueadded.Basis]]] = defaultdict(dict)
    rows = (
        FactCell.objects.filter(year__in=years)
        .values("year", "category_key", "category_code")
        .annotate(n=Sum("n_rate_basis"), va=Sum("rate_va"), rev=Sum("rate_revenue"))
    )
    for r in rows:
        basis = valueadded.Basis(r["n"] or 0, Decimal(r["va"] or 0), Decimal(r["rev"] or 0))
        out[r["year"]][r["category_code"]] = (r["category_key"], basis)
    return out


def _apply_rates(years: list[int], now: datetime) -> dict[int, int]:
    t = _tables()
    rate_rows: list[ValueAddedRate] = []
    estimated: dict[int, int] = {}
    for year, by_code in _rate_bases(years).items():
        rates = valueadded.rates_for({code: basis for code, (_, basis) in by_code.items()})
        estimated[year] = sum(1 for r in rates.values() if r.value is not None)
        for code, rate in rates.items():
            rate_rows.append(
                ValueAddedRate(
                    year=year,
                    category_key=by_code[code][0],
                    category_code=code,
                    level=rate.level,
                    basis_code=rate.basis_code,
                    basis_rows=rate.basis.rows,
                    basis_va=rate.basis.va,
                    basis_revenue=rate.basis.revenue,
                    rate=rate.value,
                    refreshed_at=now,
                )
            )
    ValueAddedRate.objects.bulk_create(rate_rows, batch_size=1000)
    # One UPDATE: each cell takes its 小类-year's rate; ROUND keeps the stored sum to the cent.
    update = f"""
UPDATE {t["cell"]} SET
  va_rate = (SELECT r.rate FROM {t["rate"]} r
             WHERE r.year = {t["cell"]}.year AND r.category_key = {t["cell"]}.category_key),
  va_estimated = COALESCE(ROUND({t["cell"]}.revenue_missing * (
             SELECT r.rate FROM {t["rate"]} r
             WHERE r.year = {t["cell"]}.year AND r.category_key = {t["cell"]}.category_key), 2), 0)
WHERE year IN ({_years_sql(years)})"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(update)
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
    expected: dict[tuple[object, ...], dict[str, object]] = {}
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

    stored: dict[tuple[object, ...], dict[str, object]] = {}
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
