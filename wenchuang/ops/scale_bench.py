"""`wenchuang bench scale --enterprise-years N`: the database engine alone against the Dask engine on
the same N generated enterprise-years, and what an import of 1,000 rows costs to refresh (only its
partitions) against a full refresh. Run it on a scratch database, like `bench stats`.

Measured: wall time of each phase (median of --repeat for the full refreshes), the peak resident
memory of this process (the client; with SQLite also the database) and of each Dask worker. The
1,000-row "import" changes 1,000 existing enterprise-years in place (revenue up by 1 %, or missing
components) — one district's file, and a city-wide file of one year — so that the refresh, not the
file parsing, is timed; the import path names the same partitions (`ingest.refresh.touched_partitions`).
"""

from __future__ import annotations

import random
import resource
import statistics
import time
from decimal import Decimal
from typing import Any

from django.db import connection

from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import cellframe, dask_engine, engine, partitions, rollup, services


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cells() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    names = [*rollup.KEY_NAMES, *rollup.MEASURE_NAMES, "va_rate", "va_estimated"]
    return {r[:5]: r[5:] for r in rollup.FactCell.objects.values_list(*names).iterator(chunk_size=20_000)}


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t0, 3), out


def _change(rows: list[tuple[int, int, int]], seed: int) -> set[tuple[int, int]]:
    """Change these enterprise-years (pk, year, district) in place, as an import would; returns the
    partitions an import of them names."""
    rng = random.Random(seed)
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        if rng.random() < 0.5:
            EnterpriseYear.objects.filter(pk__in=part).update(revenue=Decimal("123.45"))
        else:
            EnterpriseYear.objects.filter(pk__in=part).update(labor_compensation=None)
    return {(y, d) for _, y, d in rows}


def _sample(year: int, district: int | None, n: int, seed: int) -> list[tuple[int, int, int]]:
    qs = EnterpriseYear.objects.filter(year=year).order_by()
    if district is not None:
        qs = qs.filter(enterprise__district_id=district)
    rows = list(qs.values_list("pk", "year", "enterprise__district_id"))
    random.Random(seed).shuffle(rows)
    return rows[:n]


def run(*, repeat: int = 3, import_rows: int = 1_000, workers: int = 2, seed: int = 1) -> dict[str, Any]:
    years = rollup.micro_years()
    rows = EnterpriseYear.objects.count()
    out: dict[str, Any] = {"database": connection.vendor, "enterprise_years": rows, "years": len(years)}

    # --- database engine: full refresh, then incremental refreshes after a 1,000-row change ----------
    engine.refresh(engine="database")  # warm
    full = [_timed(lambda: engine.refresh(engine="database"))[0] for _ in range(repeat)]
    full_s = statistics.median(full)
    out["database_full_refresh_s"] = full_s
    out["database_full_refresh_runs"] = full
    out["cells"] = rollup.FactCell.objects.count()
    out["client_peak_rss_mb_after_database"] = _rss_mb()

    mid = years[len(years) // 2]
    district = (
        EnterpriseYear.objects.filter(year=mid)
        .values_list("enterprise__district_id", flat=True)
        .order_by("enterprise__district_id")
        .first()
    )
    cases = {
        "one_district": _sample(mid, district, import_rows, seed),
        "city_wide_one_year": _sample(mid, None, import_rows, seed),
    }
    incremental: dict[str, Any] = {}
    for name, sample in cases.items():
        touched = _change(sample, seed)
        # The first refresh after the change, then re-runs of the same partitions (the same work):
        # under a shared machine's load one run is noisy, the median less so.
        runs = [
            _timed(lambda touched=touched: services.rollup_refresh(partitions=touched))[0]
            for _ in range(max(1, repeat))
        ]
        secs = statistics.median(runs)
        incremental[name] = {
            "rows_changed": len(sample),
            "partitions": len(touched),
            "refresh_s": secs,
            "refresh_runs": runs,
            "share_of_full": round(secs / full_s, 4),
            "goal": "≤ 5 %",
        }
    incremental["reconcile_ok"] = services.rollup_reconcile().ok
    out["database_incremental"] = incremental

    # --- Dask engine: export, cells and rates on the cluster, write-back ------------------------------
    from distributed import Client, LocalCluster

    parts = partitions.whole_years(partitions.all_years())
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        client.run(lambda: __import__("wenchuang.stats.cellframe"))  # warm the workers' imports
        export_s, exported = _timed(lambda: dask_engine.export(parts))
        cells_s, cells = _timed(lambda: dask_engine.compute_cells(client, parts))
        cells_s2, cells = _timed(lambda: dask_engine.compute_cells(client, parts))
        write_s, _ = _timed(
            lambda: partitions.refresh_partitions(
                parts, stage=dask_engine.stage_from(cells), pick=dask_engine.rates_on(client)
            )
        )
        sample = cases["one_district"]
        touched = _change(sample, seed + 1)
        inc_s, _ = _timed(lambda: dask_engine.refresh(partitions=touched, dask_client=client))
        worker_peaks = sorted(client.run(cellframe.peak_rss_mb).values())
    by_dask = _cells()
    db_again_s, _ = _timed(lambda: engine.refresh(engine="database"))
    by_database = _cells()
    differing = sum(1 for k in set(by_dask) | set(by_database) if by_dask.get(k) != by_database.get(k))
    out["dask"] = {
        "workers": workers,
        "export_parquet_s": export_s,
        "rows_exported": exported,
        "cells_on_cluster_s": cells_s,
        "cells_on_cluster_second_run_s": cells_s2,
        "write_back_s": write_s,
        "full_refresh_s": round(export_s + cells_s2 + write_s, 3),
        "full_refresh_without_export_s": round(cells_s2 + write_s, 3),
        "incremental_one_district_s": inc_s,
        "worker_peak_rss_mb": worker_peaks,
        "client_peak_rss_mb": _rss_mb(),
        "cells_differing_from_database": differing,
    }
    out["dask"]["reconcile_ok_after_database_refresh"] = services.rollup_reconcile().ok
    out["database_full_refresh_again_s"] = db_again_s
    return out
