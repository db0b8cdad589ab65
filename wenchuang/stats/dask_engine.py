"""The Dask distributed engine for the rollup (`WENCHUANG_ROLLUP_ENGINE=dask`).

1. **Export**: the micro rows of the partitions to refresh go to Parquet, one directory per
   (year, district) — `year=2020/district_id=7/part-00000.parquet` (Hive layout) — denormalised with
   the enterprise's platform and culture 小类, money as integer cents of 万元. A refresh rewrites only
   the directories of its partitions.
2. **Cells on the cluster**: one task per partition (`dask.dataframe.from_map` over the directories)
   reads its files and aggregates them (`cellframe.aggregate`); a cell never spans two partitions, so
   there is no shuffle. The cells come back to the client (tens of thousands per year).
3. **Rates on the cluster**: each year's 小类 rates are picked by `valueadded.rates_for`, one task per
   year, from the year's bases (the cells' sums).
4. **Write-back**: the cells go into the refresh's staging table and `partitions.refresh_partitions`
   replaces the partitions' cells, the years' rates and "as of" in **one transaction** — the same
   statements as the database engine. Nothing is written before every task has finished: a worker
   that dies mid-job has its tasks re-run by the scheduler on another worker; a job that fails
   altogether raises before (or rolls back inside) the transaction and leaves the previous rollup, and
   re-running it is safe (the export and the write-back both replace, never add).

With `WENCHUANG_DASK_SCHEDULER` unset, a local cluster of `WENCHUANG_DASK_WORKERS` worker processes is
started for the job (`scripts/dask-cluster.sh` starts a standing one).
"""

from __future__ import annotations

import contextlib
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection

from wenchuang.classify.models import CultureCategory
from wenchuang.core import bulk
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.stats import cellframe, rollup, valueadded
from wenchuang.stats import partitions as parts_mod
from wenchuang.stats.partitions import Partition

_FETCH = 100_000


def root() -> Path:
    return Path(settings.WENCHUANG_PARQUET_DIR)


def export_sql(parts: list[Partition]) -> str:
    """The micro rows of the partitions, denormalised, money in integer cents (exact on both backends:
    the stored values have two decimals)."""
    ey, e, c = EnterpriseYear._meta.db_table, Enterprise._meta.db_table, CultureCategory._meta.db_table
    cents = ", ".join(f"CAST(ROUND(ey.{m} * 100) AS BIGINT) AS {m}" for m in cellframe.MONEY_IN)
    return f"""
SELECT ey.year, e.district_id, COALESCE(e.platform_id, 0), COALESCE(e.culture_category_id, 0),
  ey.is_above_scale, COALESCE(c.code, ''), COALESCE(c.is_new_form, FALSE), COALESCE(c.domain = 'core', FALSE),
  {cents}, ey.employees, ey.is_listed, ey.is_leading
FROM {ey} ey
JOIN {e} e ON e.id = ey.enterprise_id
LEFT JOIN {c} c ON c.id = e.culture_category_id
WHERE {parts_mod.partition_filter_sql(parts)}"""  # noqa: S608


_SCHEMA = pa.schema(
    [
        ("platform_key", pa.int64()),
        ("category_key", pa.int64()),
        ("is_above_scale", pa.bool_()),
        ("category_code", pa.string()),
        ("is_digital", pa.bool_()),
        ("is_core", pa.bool_()),
        *((m, pa.int64()) for m in cellframe.MONEY_IN),
        ("employees", pa.int64()),
        ("is_listed", pa.bool_()),
        ("is_leading", pa.bool_()),
    ]
)
_BOOLS = frozenset(("is_above_scale", "is_digital", "is_core", "is_listed", "is_leading"))


def export(parts: list[Partition], directory: Path | None = None) -> int:
    """Rewrite the partitions' Parquet directories from the database; returns the rows written. A
    partition without rows ends with no directory (so it has no cells)."""
    base = directory or root()
    for y, d in parts:
        shutil.rmtree(cellframe.partition_path(base, y, d), ignore_errors=True)
    if not parts:
        return 0
    rows_written = 0
    chunk_no = 0
    names = [f.name for f in _SCHEMA]
    with connection.cursor() as cursor:
        cursor.execute(export_sql(parts))
        while True:
            rows = cursor.fetchmany(_FETCH)
            if not rows:
                break
            groups: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
            for row in rows:
                groups[(int(row[0]), int(row[1]))].append(row[2:])
            for (y, d), group in groups.items():
                columns = list(zip(*group, strict=True))
                arrays = [
                    pa.array(
                        [None if v is None else bool(v) for v in col] if name in _BOOLS else list(col),
                        type=_SCHEMA.field(name).type,
                    )
                    for name, col in zip(names, columns, strict=True)
                ]
                path = cellframe.partition_path(base, y, d)
                path.mkdir(parents=True, exist_ok=True)
                pq.write_table(
                    pa.Table.from_arrays(arrays, schema=_SCHEMA), path / f"part-{chunk_no:05d}.parquet"
                )
            rows_written += len(rows)
            chunk_no += 1
    return rows_written


@contextlib.contextmanager
def client() -> Iterator[Any]:
    """A client of the configured scheduler, or of a local cluster of worker processes for this job."""
    from distributed import Client, LocalCluster

    address = getattr(settings, "WENCHUANG_DASK_SCHEDULER", "")
    if address:
        with Client(address, set_as_default=False) as c:
            yield c
        return
    workers = int(getattr(settings, "WENCHUANG_DASK_WORKERS", 2))
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False) as c,
    ):
        yield c


def compute_cells(dask_client: Any, parts: list[Partition], directory: Path | None = None) -> pd.DataFrame:
    """The partitions' cells, one task per partition on the cluster."""
    import dask.dataframe as dd

    if not parts:
        return cellframe.empty_cells()
    base = directory or root()
    paths = [str(cellframe.partition_path(base, y, d)) for y, d in parts]
    # A few tasks per worker: enough to balance and to re-run cheaply, few enough that per-task
    # overhead stays small. Consecutive partitions share a task (same year, neighbouring districts).
    workers = max(1, len(dask_client.scheduler_info().get("workers", {})))
    n_tasks = min(len(paths), 4 * workers)
    size = -(-len(paths) // n_tasks)
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    frame = dd.from_map(cellframe.cells_of_partitions, chunks, meta=cellframe.empty_cells())
    result = dask_client.compute(frame).result()
    return result.reset_index(drop=True)


def rates_on(dask_client: Any) -> rollup.RatesPicker:
    """Pick the years' rates on the cluster, one task per year (`valueadded.rates_for`)."""

    def pick(bases: dict[int, dict[str, valueadded.Basis]]) -> dict[int, dict[str, valueadded.Rate]]:
        years = sorted(bases)
        futures = dask_client.map(valueadded.rates_for, [bases[y] for y in years], pure=False)
        return dict(zip(years, dask_client.gather(futures), strict=True))

    return pick


_STAGE_TYPES = {
    "year": "integer",
    "district_id": "bigint",
    "platform_key": "bigint",
    "category_key": "bigint",
    "is_above_scale": "boolean",
    "category_code": "varchar(4)",
    "is_digital": "boolean",
    "is_core": "boolean",
}


def stage_from(cells: pd.DataFrame) -> parts_mod.Stager:
    """Load the cluster's cells into the refresh's staging table (cents → Decimal: exact)."""

    def stage(cursor: Any, name: str, years: list[int], parts: list[Partition]) -> None:
        columns = [*cellframe.KEYS, *cellframe.MEASURES]
        types = [
            _STAGE_TYPES.get(c) or ("numeric(24, 2)" if c in cellframe.MONEY_OUT else "bigint")
            for c in columns
        ]
        ddl = ", ".join(f"{c} {t}" for c, t in zip(columns, types, strict=True))
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({ddl})")
        money = [c in cellframe.MONEY_OUT for c in columns]
        bools = [c in ("is_above_scale", "is_digital", "is_core") for c in columns]
        adapt = connection.ops.adapt_decimalfield_value
        rows = [
            tuple(
                adapt(Decimal(int(v)).scaleb(-2), 24, 2)
                if m
                else (bool(v) if b else (str(v) if isinstance(v, str) else int(v)))
                for v, m, b in zip(record, money, bools, strict=True)
            )
            for record in cells[columns].itertuples(index=False, name=None)
        ]
        bulk.insert_rows(name, columns, rows)

    return stage


def refresh(
    *,
    years: Iterable[int] | None = None,
    partitions: Iterable[Iterable[int]] | None = None,
    dask_client: Any = None,
) -> rollup.RefreshResult:
    """A refresh on the Dask cluster: the partitions named, the years named (all their partitions), or
    everything. Export, cells and rates on the cluster, write-back in one transaction."""
    if partitions is not None:
        parts = parts_mod.expand(partitions)
    else:
        parts = parts_mod.whole_years(parts_mod.all_years() if years is None else years)
    export(parts)
    if dask_client is None:
        with client() as c:
            return _refresh_on(c, parts)
    return _refresh_on(dask_client, parts)


def _refresh_on(dask_client: Any, parts: list[Partition]) -> rollup.RefreshResult:
    cells = compute_cells(dask_client, parts)
    return parts_mod.refresh_partitions(parts, stage=stage_from(cells), pick=rates_on(dask_client))
