"""The statistics an import (or its undo) touched, and their refresh: the rollup's (year, district)
partitions its rows live in, recomputed now (the CLI) or as a background job after the commit."""

from __future__ import annotations

import logging

from wenchuang.ingest.models import AnnualSource, BatchChange, ImportBatch

log = logging.getLogger(__name__)


def touched_partitions(batch: ImportBatch) -> set[tuple[int, int]] | None:
    """The (year, district) partitions of the rollup that this batch's rows live in, now: the
    enterprise-years it set (annual), or every year of the enterprises it changed in their district now
    and before (registration: a move or a new 小类). Call after the import, and before its undo."""
    from wenchuang.stats import partitions

    if batch.kind == "annual":
        ids = AnnualSource.objects.filter(batch=batch).values_list("enterprise_year_id", flat=True)
        return partitions.of_enterprise_years(list(ids))
    if batch.kind == "registration":
        before = {
            c.object_id: c.before["fields"].get("district_id")
            for c in BatchChange.objects.filter(batch=batch, target="enterprise")
        }
        return partitions.of_enterprises(before, other_districts=before)
    return None


def stats_refresh(
    batch: ImportBatch, touched: set[tuple[int, int]] | None = None, *, later: bool = False
) -> None:
    """Refresh the statistics the import touched (only its (year, district) partitions when known):
    now (the CLI) or, `later`, as its own background job once this commit is done (a background import,
    an undo from the web or the API). A failure here must not undo the import: it is logged and
    `wenchuang stats recompute` repairs it."""
    if batch.kind not in ("registration", "annual"):
        return
    if later:
        from wenchuang.stats.services import stats_recompute_enqueue

        stats_recompute_enqueue(years=batch.years or None, partitions=touched)
        return
    try:
        from wenchuang.stats.services import stats_recompute

        if touched is not None:
            stats_recompute(years=batch.years, partitions=touched)
        else:
            stats_recompute(years=batch.years or None)
    except Exception:  # the import stands; the rollup can be rebuilt on demand
        log.exception("stats_recompute after import batch %s failed", batch.pk)
