"""What changes between two sets of published figures (pure: no database).

A publication freezes the chosen value of every indicator × scope × year. Before the city office
publishes, it is shown what the public would see change: each figure whose published value (to the
cent, as the indicator endpoint serves it), source or reliability differs, and the figures that appear
or disappear. The same comparison explains a version against the one before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")

Key = tuple[str, str, int]  # (spatial unit code or "", indicator code, year)


@dataclass(frozen=True)
class Figure:
    """One published figure as the public sees it."""

    code: str
    spatial_unit: str
    year: int
    name: str
    unit: str
    value: Decimal | None
    source: str = "none"
    reliability: str = ""

    @property
    def key(self) -> Key:
        return (self.spatial_unit, self.code, self.year)

    @property
    def shown(self) -> Decimal | None:
        return None if self.value is None else self.value.quantize(CENT)


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    code: str
    spatial_unit: str
    year: int
    name: str
    unit: str
    old: Decimal | None
    new: Decimal | None
    old_source: str
    new_source: str
    old_reliability: str = ""
    new_reliability: str = ""

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "不再发布", "changed": "修订"}[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "spatial_unit": self.spatial_unit,
            "year": self.year,
            "name": self.name,
            "unit": self.unit,
            "old": None if self.old is None else str(self.old),
            "new": None if self.new is None else str(self.new),
            "old_source": self.old_source,
            "new_source": self.new_source,
            "old_reliability": self.old_reliability,
            "new_reliability": self.new_reliability,
        }


def figure_from(row: Any) -> Figure:
    """A `Figure` from anything with the stored value's fields (working or published row)."""
    return Figure(
        code=row.indicator_code,
        spatial_unit=row.spatial_unit_code,
        year=row.year,
        name=row.name,
        unit=row.unit,
        value=row.headline_value,
        source=row.headline_source,
        reliability=row.headline_reliability,
    )


def diff(old: Iterable[Figure], new: Iterable[Figure]) -> list[Change]:
    """Figures that differ between `old` (the published version, or nothing) and `new`, in the order
    city before units, then indicator, then year. A figure without a value on both sides is no change;
    one that had a value and now has none is "removed" (the public would see 暂无数据)."""
    before: Mapping[Key, Figure] = {f.key: f for f in old}
    after: Mapping[Key, Figure] = {f.key: f for f in new}
    out: list[Change] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        old_value = a.shown if a else None
        new_value = b.shown if b else None
        if old_value is None and new_value is None:
            continue
        if old_value is None:
            kind = "added"
        elif new_value is None:
            kind = "removed"
        elif (
            old_value != new_value
            or (a and b and a.source != b.source)
            or (a and b and a.reliability != b.reliability)
        ):
            kind = "changed"
        else:
            continue
        ref = b or a
        assert ref is not None
        out.append(
            Change(
                kind=kind,
                code=ref.code,
                spatial_unit=ref.spatial_unit,
                year=ref.year,
                name=ref.name,
                unit=ref.unit,
                old=old_value,
                new=new_value,
                old_source=a.source if a else "none",
                new_source=b.source if b else "none",
                old_reliability=a.reliability if a else "",
                new_reliability=b.reliability if b else "",
            )
        )
    return out
