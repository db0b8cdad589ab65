"""Start and completion rates of the key-project library (开工率、竣工率), pure and testable without a
database. The definition (docs/projects.md) in one place:

For a year Y, a project is in the **start denominator** when the city accepted it into the library
(`accepted_on` set) no later than 31 Dec Y, its planned start falls in Y, and it was not terminated
before 1 Jan Y (a project withdrawn before its year is no longer planned for it). It is in the
**numerator** when it actually started by 31 Dec Y (or by `as_of`, for the running year). The completion
rate is the same with the planned and actual completion dates. A project terminated during Y stays in
the denominator (it was planned and did not happen). A year whose denominator is empty has no rate
(暂无数据), never 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class ProjectDates:
    pk: int
    accepted_on: date | None
    planned_start: date
    planned_completion: date
    actual_start: date | None
    actual_completion: date | None
    terminated_on: date | None


@dataclass
class Rate:
    year: int
    kind: str  # "start" | "completion"
    denominator: list[int] = field(default_factory=list)
    numerator: list[int] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        pct = Decimal(len(self.numerator) * 100) / Decimal(len(self.denominator))
        return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def meets(self, target: Decimal | None) -> bool | None:
        v = self.value
        if v is None or target is None:
            return None
        return v >= target


def _in_population(p: ProjectDates, year: int, planned: date) -> bool:
    if p.accepted_on is None or p.accepted_on > date(year, 12, 31) or planned.year != year:
        return False
    return p.terminated_on is None or p.terminated_on >= date(year, 1, 1)


def rate(projects: Iterable[ProjectDates], *, year: int, kind: str, as_of: date | None = None) -> Rate:
    """The start ("start") or completion ("completion") rate of `year` over `projects`."""
    end = date(year, 12, 31)
    if as_of is not None and as_of < end:
        end = as_of
    out = Rate(year=year, kind=kind)
    for p in projects:
        planned, actual = (
            (p.planned_start, p.actual_start)
            if kind == "start"
            else (p.planned_completion, p.actual_completion)
        )
        if not _in_population(p, year, planned):
            continue
        out.denominator.append(p.pk)
        if actual is not None and actual <= end:
            out.numerator.append(p.pk)
    return out
