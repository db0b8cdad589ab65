"""Value added by the income approach, and the rates used to estimate it where components are missing.
Pure functions, no Django.

Income approach: 增加值 = 劳动者报酬 + 生产税净额 + 固定资产折旧 + 营业盈余, for an enterprise-year that
reports all four. Otherwise ratio estimation: revenue × the value-added rate (Σ value added / Σ revenue)
of the enterprises that report all four *and* a positive revenue in the same culture 小类 and year,
falling back to the 中类, then the 大类, then all enterprises of the year when the narrower group has
fewer than `MIN_BASIS_ROWS` such enterprises (a rate from one or two firms is noise).

Culture codes are prefix-hierarchical (0110 → 中类 011 → 大类 01), which the fallback relies on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MIN_BASIS_ROWS = 3
RATE_QUANTUM = Decimal("0.000000000001")


@dataclass(frozen=True)
class Basis:
    """Enterprises with all components and positive revenue in a group: their counts and sums."""

    rows: int = 0
    va: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)

    def __add__(self, other: Basis) -> Basis:
        return Basis(self.rows + other.rows, self.va + other.va, self.revenue + other.revenue)


@dataclass(frozen=True)
class Rate:
    level: str  # minor, middle, major, all, none
    basis_code: str  # the group's code; "" for all (or none)
    basis: Basis
    value: Decimal | None


_EMPTY = Basis()
_NONE = Rate("none", "", _EMPTY, None)


def _level_keys(code: str) -> list[tuple[str, str]]:
    if len(code) == 4:
        return [("minor", code), ("middle", code[:3]), ("major", code[:2]), ("all", "")]
    return [("all", "")]  # unclassified enterprises: only the city-wide rate applies


def rates_for(bases: Mapping[str, Basis], *, min_rows: int = MIN_BASIS_ROWS) -> dict[str, Rate]:
    """The rate for every 小类 code in `bases` ("" = unclassified), from the per-小类 bases of one year."""
    # Plain accumulators, and one division per group: this runs inside every rollup refresh.
    acc: dict[tuple[str, str], list[Any]] = {}
    for code, basis in bases.items():
        for key in _level_keys(code):
            a = acc.get(key)
            if a is None:
                acc[key] = [basis.rows, basis.va, basis.revenue]
            else:
                a[0] += basis.rows
                a[1] += basis.va
                a[2] += basis.revenue
    groups = {key: Basis(a[0], a[1], a[2]) for key, a in acc.items()}
    picked: dict[tuple[str, str], Rate] = {}
    return {code: _pick(code, groups, min_rows, picked) for code in bases}


def _pick(
    code: str,
    groups: Mapping[tuple[str, str], Basis],
    min_rows: int,
    picked: dict[tuple[str, str], Rate] | None = None,
) -> Rate:
    for level, group_code in _level_keys(code):
        basis = groups.get((level, group_code), _EMPTY)
        # The city-wide rate is used whenever it exists at all: it is the last resort.
        enough = basis.rows >= min_rows or (level == "all" and basis.rows > 0)
        if enough and basis.revenue > 0:
            key = (level, group_code)
            if picked is not None and key in picked:
                return picked[key]
            rate = Rate(level, group_code, basis, (basis.va / basis.revenue).quantize(RATE_QUANTUM))
            if picked is not None:
                picked[key] = rate
            return rate
    return _NONE


def coverage(va_direct: Decimal, va_estimated: Decimal) -> float | None:
    """Share of value added computed directly (the rest estimated by rate)."""
    total = va_direct + va_estimated
    if total == 0:
        return None
    return float(va_direct / total)
