"""The import benchmark runs end to end on a small N (its figures come from real runs, recorded in
docs/performance.md; here only that every contender writes the same rows and the report is complete)."""

from __future__ import annotations

import pytest

from wenchuang.accounts.testing import audit_rows_clear
from wenchuang.classify.models import ClassificationDecision
from wenchuang.core.uscc import make_valid
from wenchuang.ingest import bench
from wenchuang.ingest.models import AnnualSource, EnterpriseRegistration
from wenchuang.registry.models import District, Enterprise, EnterpriseYear

FIVE = (Enterprise, EnterpriseRegistration, ClassificationDecision, EnterpriseYear, AnnualSource)


@pytest.mark.django_db(transaction=True)  # PostgreSQL's VACUUM between runs cannot run in a transaction
def test_the_benchmark_times_every_contender_on_the_same_rows(monkeypatch):
    written = []
    real_wipe = bench._wipe

    five = []

    def wipe():
        written.append((Enterprise.objects.count(), EnterpriseYear.objects.count()))
        five.append(tuple(m.objects.count() for m in FIVE))
        real_wipe()

    monkeypatch.setattr(bench, "_wipe", wipe)
    try:
        out = bench.bench(300, iie_rows=None)
    finally:
        audit_rows_clear()  # imports are audited; the flush that ends this test could not delete them
    # before the first run nothing; after each floor and ours 300 + 300; after django-import-export the
    # same when it is installed (the `bench` extra), else nothing
    iie = "iie_s" in out
    assert written[0] == (0, 0)
    assert set(written[1:-1]) == {(300, 300)}
    assert written[-1] == ((300, 300) if iie else (0, 0))
    floors = len(bench.FLOOR_METHODS) - (out["database"] != "postgresql")
    assert len(written) == 1 + floors + 1 + 2
    # the schema floor writes the same five tables as ours, row for row
    assert five[1 + floors] == five[2 + floors] == (300,) * 5
    assert out["schema_floor_s"] > 0 and out["goal_vs_schema_floor"] == "≤ 2×"
    # 600 rows are written in milliseconds: a time rounded to 0.0 s is a time, not a failure
    assert out["rows"] == 600 and out["ours_s"] > 0 and out["floor_s"] >= 0
    assert out["floor_method"] == ("copy" if out["database"] == "postgresql" else "executemany")
    assert "floor_bulk_create_s" in out
    assert Enterprise.objects.count() == 0


def test_the_benchmark_refuses_a_database_with_real_enterprises(reference):
    Enterprise.objects.create(
        uscc=make_valid("91330102MA2B0Q0X4"),
        name="真实企业",
        gbt_code="8610",
        district=District.objects.first(),
    )
    with pytest.raises(bench.NotScratch):
        bench.bench(10)
