"""Incremental refresh: after any sequence of imports and undos, each refreshing only the (year, district)
partitions it touched, the cells and rates equal a full refresh and `stats reconcile` passes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenchuang.core.uscc import make_valid
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.services import import_file
from wenchuang.ingest.undo import UndoRefused, batch_undo
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.stats import partitions, rollup, services
from wenchuang.stats.models import FactCell, RollupYear, ValueAddedRate
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

DISTRICTS = ("330106", "330108", "330110")
GBT = ("8610", "6513", "7251")  # three 小类 (two of them one 中类 apart): rates fall back
YEARS = (2020, 2021)
FIRMS = 8
REG_HEADER = ["统一社会信用代码", "企业名称", "国民经济行业代码", "经营范围", "区划代码"]
ANNUAL_HEADER = [
    "统一社会信用代码",
    "年度",
    "营业收入",
    "劳动者报酬",
    "生产税净额",
    "固定资产折旧",
    "营业盈余",
    "规模以上",
]


def _uscc(n: int) -> str:
    return make_valid(f"91330106MA{n:07d}")


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


def _register(firms: list[tuple[int, int, int]]) -> ImportBatch:
    rows = [[_uscc(i), f"示例文化企业{i}", GBT[g], "文化服务", DISTRICTS[d]] for i, d, g in firms]
    return import_file(kind="registration", data=_csv(REG_HEADER, rows), file_name="reg.csv")


def _cents(n: int) -> str:
    return str(Decimal(n) / 100)


def _annual(rows: list[tuple[int, int, int, bool, bool]]) -> ImportBatch:
    out = []
    for firm, year, revenue, full, above in rows:
        parts = [_cents(revenue * k // 10) for k in (3, 1, 1, 2)] if full else ["", "", "", ""]
        out.append([_uscc(firm), YEARS[year], _cents(revenue), *parts, "是" if above else "否"])
    return import_file(kind="annual", data=_csv(ANNUAL_HEADER, out), file_name="annual.csv")


def _snapshot() -> tuple[dict[tuple[Any, ...], tuple[Any, ...]], dict[tuple[Any, ...], tuple[Any, ...]]]:
    names = [*rollup.KEY_COLUMNS, *rollup.MEASURE_NAMES, "va_rate", "va_estimated"]
    cells = {tuple(c[:5]): tuple(c[5:]) for c in FactCell.objects.values_list(*names)}
    rates = {
        (r[0], r[1]): r[2:]
        for r in ValueAddedRate.objects.values_list(
            "year", "category_key", "category_code", "level", "basis_code", "basis_rows", "rate"
        )
    }
    return cells, rates


def _close(a: tuple[Any, ...], b: tuple[Any, ...], tolerance: Decimal) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, Decimal) or isinstance(y, Decimal):
            if x is None or y is None or abs(Decimal(x) - Decimal(y)) > tolerance:
                return False
        elif x != y:
            return False
    return True


def _assert_equal_to_full_refresh() -> None:
    exact = connection.vendor == "postgresql"  # SQLite sums money as floats (see rollup.MONEY_TOLERANCE)
    cells, rates = _snapshot()
    reconciled = services.rollup_reconcile()
    assert reconciled.ok, [str(m) for m in reconciled.mismatches]
    services.rollup_refresh()
    full_cells, full_rates = _snapshot()
    assert set(cells) == set(full_cells)
    assert set(rates) == set(full_rates)
    for key, values in full_cells.items():
        assert _close(cells[key], values, Decimal(0) if exact else rollup.MONEY_TOLERANCE), (
            key,
            cells[key],
            values,
        )
    for key, values in full_rates.items():
        assert _close(rates[key], values, Decimal(0) if exact else Decimal("1e-9")), (key, rates[key], values)


firm = st.integers(0, FIRMS - 1)
annual_row = st.tuples(firm, st.integers(0, 1), st.integers(0, 500_000), st.booleans(), st.booleans())
operation = st.one_of(
    st.tuples(
        st.just("annual"), st.lists(annual_row, min_size=1, max_size=6, unique_by=lambda r: (r[0], r[1]))
    ),
    st.tuples(st.just("move"), st.tuples(firm, st.integers(0, 2), st.integers(0, 2))),
    st.tuples(st.just("undo"), st.just(None)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=6))
def test_any_sequence_of_partial_refreshes_equals_a_full_refresh(
    ops: list[tuple[str, Any]], tmp_path: Any
) -> None:
    f.load_reference()
    # a clean slate per example (hypothesis runs every example in the test's one transaction)
    FactCell.objects.all().delete()
    ValueAddedRate.objects.all().delete()
    RollupYear.objects.all().delete()
    EnterpriseYear.objects.filter(enterprise__uscc__startswith="91330106MA").delete()
    _register([(i, i % 3, i % 3) for i in range(FIRMS)])
    done: list[ImportBatch] = []
    for kind, arg in ops:
        if kind == "annual":
            done.append(_annual(arg))
        elif kind == "move":
            i, d, g = arg
            done.append(_register([(i, d, g)]))
        if kind != "undo":
            assert done[-1].status == ImportBatch.Status.DONE, done[-1].message
        elif done:
            try:
                batch_undo(batch_id=done.pop().pk)
            except UndoRefused:
                pass
        _assert_equal_to_full_refresh()


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


def test_only_the_touched_partition_is_rewritten_and_rates_follow() -> None:
    f.load_reference()
    a = f.plain_code()
    west = [f.enterprise(culture_code=a, district_code="330106") for _ in range(3)]
    east = [f.enterprise(culture_code=a, district_code="330108") for _ in range(2)]
    for i, e in enumerate(west):
        f.year(e, 2020, revenue=100 + i, components=(10, 2, 3, 5))
    f.year(east[0], 2020, revenue=100, components=(40, 10, 10, 20))
    f.year(east[1], 2020, revenue=50)  # estimated by the 小类's rate
    services.rollup_refresh()
    stamp_west = (
        FactCell.objects.filter(district__code="330106").values_list("refreshed_at", flat=True).first()
    )

    # The rate basis moves in the west only: the west partition is recomputed, the east estimate follows.
    EnterpriseYear.objects.filter(enterprise=west[0]).update(labor_compensation=Decimal("110"))
    west_id = f.district("330106").pk
    result = services.rollup_refresh(partitions=[(2020, west_id)])
    assert result.years == [2020]
    rate = Decimal(120 + 20 + 20 + 80) / Decimal(100 + 101 + 102 + 100)  # west[0]'s VA is now 120
    east_cell = FactCell.objects.get(district__code="330108", year=2020)
    assert east_cell.va_estimated == (Decimal(50) * rate.quantize(valueadded_quantum())).quantize(
        Decimal("0.01")
    )
    assert (
        FactCell.objects.filter(district__code="330106").values_list("refreshed_at", flat=True).first()
        != stamp_west
    )
    assert services.rollup_reconcile().ok
    # a partition of a year never refreshed rebuilds the whole year
    f.year(east[0], 2021, revenue=10, components=(1, 1, 1, 1))
    f.year(west[0], 2021, revenue=10)
    services.rollup_refresh(partitions=[(2021, west_id)])
    assert FactCell.objects.filter(year=2021).count() == 2
    assert services.rollup_reconcile().ok


def valueadded_quantum() -> Decimal:
    from wenchuang.stats.valueadded import RATE_QUANTUM

    return RATE_QUANTUM


def test_partition_filter_and_touched_partitions() -> None:
    assert partitions.partition_filter_sql([]) == "(1 = 0)"
    sql = partitions.partition_filter_sql([(2021, 3), (2020, 2), (2020, 1)])
    assert (
        sql == "((ey.year = 2020 AND e.district_id IN (1, 2)) OR (ey.year = 2021 AND e.district_id IN (3)))"
    )
    f.load_reference()
    e = f.enterprise(district_code="330106")
    ey = f.year(e, 2020, revenue=1)
    f.year(e, 2021, revenue=1)
    d1, d2 = f.district("330106").pk, f.district("330108").pk
    assert partitions.of_enterprise_years([ey.pk]) == {(2020, d1)}
    assert partitions.of_enterprises([e.pk], other_districts={e.pk: d2}) == {
        (2020, d1),
        (2021, d1),
        (2020, d2),
        (2021, d2),
    }
    assert Enterprise.objects.filter(pk=e.pk).exists()
