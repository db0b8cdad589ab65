"""The rollup's cells from micro rows in pandas: what each Dask worker computes for one (year, district)
Parquet partition. Pure (pandas and pyarrow, no Django), so that workers import it without settings.

Money travels as integer cents of 万元 (int64): sums are exact, there is no float drift; the write-back
turns cents into Decimal. Every measure mirrors one aggregate of `rollup.MEASURES` (same names, same
order), so the two engines agree cell by cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

KEYS = (
    "year",
    "district_id",
    "platform_key",
    "category_key",
    "is_above_scale",
    "category_code",
    "is_digital",
    "is_core",
)
COMPONENTS = ("labor_compensation", "net_production_tax", "depreciation", "operating_surplus")
MONEY_IN = ("revenue", *COMPONENTS, "total_output", "exports")  # micro columns in cents
MICRO_COLUMNS = (*KEYS, *MONEY_IN, "employees", "is_listed", "is_leading")
MEASURES = (
    "n_rows",
    "n_direct",
    "n_estimated",
    "n_unknown",
    "n_rate_basis",
    "n_output_reported",
    "n_revenue",
    "n_employees",
    "n_listed",
    "n_leading",
    "n_listed_or_leading",
    "revenue",
    "employees",
    "exports",
    "total_output",
    "va_direct",
    "rate_va",
    "rate_revenue",
    "revenue_missing",
)
MONEY_OUT = frozenset(
    ("revenue", "exports", "total_output", "va_direct", "rate_va", "rate_revenue", "revenue_missing")
)


def partition_path(root: str | Path, year: int, district: int) -> Path:
    return Path(root) / f"year={int(year)}" / f"district_id={int(district)}"


def read_partition(path: str) -> pd.DataFrame:
    """One partition's micro rows (an empty frame when the partition has none). The files hold every
    column but the two the directories name (Hive layout: year=…/district_id=…)."""
    p = Path(path)
    files = sorted(p.glob("*.parquet")) if p.is_dir() else []
    if not files:
        return empty_micro()
    frame = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    frame["year"] = int(p.parent.name.split("=", 1)[1])
    frame["district_id"] = int(p.name.split("=", 1)[1])
    return frame


def cells_of_partitions(paths: list[str]) -> pd.DataFrame:
    """The task a worker runs: a few partitions' Parquet files → their cells (a cell never spans two
    partitions, so each task's cells are final)."""
    frames = [read_partition(p) for p in paths]
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_cells()
    return aggregate(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])


def empty_micro() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype="Int64") for c in MICRO_COLUMNS})
    for c in ("is_above_scale", "is_digital", "is_core", "is_listed", "is_leading"):
        frame[c] = frame[c].astype("boolean")
    frame["category_code"] = frame["category_code"].astype("string")
    return frame


def empty_cells() -> pd.DataFrame:
    return aggregate(empty_micro())


def aggregate(micro: pd.DataFrame) -> pd.DataFrame:
    """The cells (KEYS + MEASURES) of these micro rows; integer counts and cents."""
    rev = micro["revenue"].astype("Int64")
    comps = [micro[c].astype("Int64") for c in COMPONENTS]
    full = comps[0].notna() & comps[1].notna() & comps[2].notna() & comps[3].notna()
    va = (comps[0].fillna(0) + comps[1].fillna(0) + comps[2].fillna(0) + comps[3].fillna(0)).astype("int64")
    positive = (rev > 0).fillna(False).astype(bool)
    full = full.astype(bool)
    basis = full & positive
    listed = micro["is_listed"].fillna(False).astype(bool)
    leading = micro["is_leading"].fillna(False).astype(bool)
    rev0 = rev.fillna(0).astype("int64")
    out = pd.DataFrame(
        {
            "year": micro["year"].astype("int64"),
            "district_id": micro["district_id"].astype("int64"),
            "platform_key": micro["platform_key"].astype("int64"),
            "category_key": micro["category_key"].astype("int64"),
            "is_above_scale": micro["is_above_scale"].fillna(False).astype(bool),
            "category_code": micro["category_code"].fillna("").astype(str),
            "is_digital": micro["is_digital"].fillna(False).astype(bool),
            "is_core": micro["is_core"].fillna(False).astype(bool),
            "n_rows": 1,
            "n_direct": full.astype("int64"),
            "n_estimated": (~full & rev.notna().astype(bool)).astype("int64"),
            "n_unknown": (~full & rev.isna().astype(bool)).astype("int64"),
            "n_rate_basis": basis.astype("int64"),
            "n_output_reported": micro["total_output"].notna().astype("int64"),
            "n_revenue": rev.notna().astype("int64"),
            "n_employees": micro["employees"].notna().astype("int64"),
            "n_listed": listed.astype("int64"),
            "n_leading": leading.astype("int64"),
            "n_listed_or_leading": (listed | leading).astype("int64"),
            "revenue": rev0,
            "employees": micro["employees"].astype("Int64").fillna(0).astype("int64"),
            "exports": micro["exports"].astype("Int64").fillna(0).astype("int64"),
            # total output as reported, else revenue (as the database's COALESCE)
            "total_output": micro["total_output"].astype("Int64").fillna(rev).fillna(0).astype("int64"),
            "va_direct": va.where(full, 0),
            "rate_va": va.where(basis, 0),
            "rate_revenue": rev0.where(basis, 0),
            "revenue_missing": rev0.where(~full, 0),
        },
        index=micro.index,
    )
    # Group on the numeric grain; the 小类's code and flags follow from its key (taken, not grouped).
    grain = ["year", "district_id", "platform_key", "category_key", "is_above_scale"]
    spec: dict[str, tuple[str, str]] = {m: (m, "sum") for m in MEASURES}
    spec.update({a: (a, "first") for a in ("category_code", "is_digital", "is_core")})
    cells = out.groupby(grain, sort=True, as_index=False).agg(**spec)  # type: ignore[call-overload]
    cells = cells[[*KEYS, *MEASURES]]
    return cells.astype({m: "int64" for m in MEASURES})


def peak_rss_mb(dask_worker: Any = None) -> float:
    """A worker's peak resident memory, from the samples its system monitor takes every 0.5 s (run on
    each worker by the scale benchmark; `ru_maxrss` would include what a forked worker inherited)."""
    samples = list(dask_worker.monitor.quantities["memory"]) if dask_worker is not None else []
    if not samples:
        import resource

        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return round(max(samples) / 2**20, 1)
