"""The Dask engine equals the database engine cell by cell, on a real local cluster of two worker
processes: full refresh, partition refresh after a change, and a failed job that writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from wenchuang.demo import benchdata
from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import dask_engine, engine, rollup, services
from wenchuang.stats.models import FactCell, RollupYear, ValueAddedRate
from wenchuang.stats.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]

CELL = [
    *rollup.KEY_NAMES,
    "category_code",
    "is_digital",
    "is_core",
    *rollup.MEASURE_NAMES,
    "va_rate",
    "va_estimated",
]
RATE = [
    "year",
    "category_key",
    "category_code",
    "level",
    "basis_code",
    "basis_rows",
    "basis_va",
    "basis_revenue",
    "rate",
]


@pytest.fixture(scope="module")
def cluster() -> Any:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        Client(c, set_as_default=False) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        yield client


@pytest.fixture
def bench(settings: Any, tmp_path: Any) -> None:
    settings.WENCHUANG_PARQUET_DIR = tmp_path / "parquet"
    f.load_reference()
    benchdata.generate(enterprise_years=3_000, seed=7)


def _cells() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    out = {}
    for row in FactCell.objects.values_list(*CELL):
        out[row[:5]] = tuple(row[5:])
    return out


def _rates() -> set[tuple[Any, ...]]:
    return set(ValueAddedRate.objects.values_list(*RATE))


def _money_as_cents(cells: dict[tuple[Any, ...], tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Every Decimal must already be whole cents of 万元 (exact, no float residue)."""
    money = [i for i, name in enumerate(CELL[5:]) if name not in rollup.COUNT_MEASURES and name != "va_rate"]
    for values in cells.values():
        for i in money:
            v = values[i]
            if isinstance(v, Decimal):
                assert v == v.quantize(Decimal("0.01")), (CELL[5 + i], v)
    return cells


def test_dask_cells_equal_database_cells(bench: None, cluster: Any) -> None:
    engine.refresh(engine="database")
    by_database, rates_database = _cells(), _rates()
    assert len(by_database) > 100
    FactCell.objects.all().delete()
    ValueAddedRate.objects.all().delete()
    RollupYear.objects.all().delete()

    result = dask_engine.refresh(dask_client=cluster)
    by_dask = _money_as_cents(_cells())
    assert result.cells == len(by_dask) == len(by_database)
    assert by_dask == by_database  # exact: counts, cents of 万元, rates, estimates
    assert _rates() == rates_database
    assert services.rollup_reconcile().ok
    # the micro data went to the engine as Parquet partitioned by year / district
    years = {p.name for p in dask_engine.root().iterdir()}
    assert years == {f"year={y}" for y in rollup.micro_years()}

    # A change in one district: the engine recomputes that partition; equal to a full database refresh.
    ey = (
        EnterpriseYear.objects.filter(revenue__isnull=False)
        .order_by("pk")
        .select_related("enterprise")
        .first()
    )
    assert ey is not None
    EnterpriseYear.objects.filter(pk=ey.pk).update(
        revenue=ey.revenue + Decimal("12345.67"), labor_compensation=None
    )
    dask_engine.refresh(partitions=[(ey.year, ey.enterprise.district_id)], dask_client=cluster)
    by_dask = _cells()
    engine.refresh(engine="database")
    assert by_dask == _cells()


def test_a_failed_job_writes_nothing(bench: None, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.refresh(engine="database")
    before, before_rates = _cells(), _rates()
    EnterpriseYear.objects.filter(year=2020).update(revenue=Decimal("1.00"))

    def dying(client: Any) -> Any:
        def pick(bases: Any) -> Any:
            raise RuntimeError("worker lost")  # as if every retry of the rate tasks failed

        return pick

    monkeypatch.setattr(dask_engine, "rates_on", dying)
    with pytest.raises(RuntimeError):
        dask_engine.refresh(years=[2020], dask_client=cluster)
    assert _cells() == before
    assert _rates() == before_rates
    assert connection.vendor in ("sqlite", "postgresql")
