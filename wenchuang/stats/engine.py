"""Where the rollup's aggregation runs: `WENCHUANG_ROLLUP_ENGINE` = "database" (the GROUP BY in
PostgreSQL or SQLite, `rollup` and `partitions`) or "dask" (partitioned Parquet on a Dask distributed
cluster, `dask_engine`). Either way the cells, rates and "as of" land in the same tables, in one
transaction per refresh, so every reader (cockpit, API, reports) is unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from wenchuang.stats import partitions as parts_mod
from wenchuang.stats import rollup


def name() -> str:
    return str(getattr(settings, "WENCHUANG_ROLLUP_ENGINE", "database"))


def refresh(
    *,
    years: Iterable[int] | None = None,
    partitions: Iterable[Iterable[int]] | None = None,
    engine: str | None = None,
) -> rollup.RefreshResult:
    """A full refresh (nothing named), the years named, or only the (year, district) partitions named."""
    engine = engine or name()
    if engine == "dask":
        from wenchuang.stats import dask_engine

        return dask_engine.refresh(years=years, partitions=partitions)
    if partitions is not None:
        return parts_mod.refresh_partitions(partitions)
    return rollup.refresh(years)
