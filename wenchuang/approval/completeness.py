"""Reporting completeness (报送完整性), pure: who was expected to file a year's annual data and who did.

Expected (the denominator) for district D and year Y: the enterprises registered in D, founded no later
than 31 Dec Y (or of unknown founding date), in business (存续) now — the register keeps no date of
leaving, so an enterprise deregistered since Y is not expected for Y either.
Filed (the numerator): those with an annual-data row for Y carrying at least revenue or employees.
Above-scale first: an enterprise counts as above-scale for Y when its row for Y says so, or, lacking
one, its row for Y−1 (the list to chase shows them first). No expected enterprise → no rate (暂无数据).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass
class Completeness:
    district_id: int | None
    label: str
    year: int
    expected: int = 0
    filed: int = 0
    above_expected: int = 0
    above_filed: int = 0
    missing: list[int] = field(default_factory=list)  # enterprise ids, above-scale first

    @staticmethod
    def _pct(num: int, den: int) -> Decimal | None:
        if den == 0:
            return None
        return (Decimal(num * 100) / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rate(self) -> Decimal | None:
        return self._pct(self.filed, self.expected)

    @property
    def above_rate(self) -> Decimal | None:
        return self._pct(self.above_filed, self.above_expected)
