"""Background jobs of the statistics engine (django-tasks; the database backend's db_worker runs them).
Enqueue through `services.stats_recompute_enqueue`, which waits for the caller's commit."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def stats_recompute_task(
    years: list[int] | None = None, partitions: list[list[int]] | None = None
) -> dict[str, Any]:
    """Rollup, validation results and stored indicator values for `years` (all when None); with
    `partitions` ([year, district id] pairs) the rollup recomputes only those."""
    from wenchuang.stats.services import stats_recompute

    return stats_recompute(years=years, partitions=partitions)


@task()
def publication_breakdowns_task(publication_id: int) -> dict[str, Any]:
    """Freeze a publication's public breakdowns (`services.publication_breakdowns_freeze`)."""
    from wenchuang.stats.models import Publication
    from wenchuang.stats.services import publication_breakdowns_freeze

    version = Publication.objects.get(pk=publication_id)
    return {"id": publication_id, "years": publication_breakdowns_freeze(version=version)}
