"""Statistical disclosure control for published aggregates (统计法: no respondent's data may be
disclosed). Pure: no database, no Django.

The published figures of every query (a total and its groups, under any filter) are sums over
*atoms* — the finest cells a caller can address (district × platform × 小类 × 规上, with the 小类's
flags). Hiding the small groups of one query is not enough: a total minus the visible groups, or two
queries with different filters, give the hidden cell back. So protection is decided once for the
whole table, not per query:

1. **Primary rule** (`Rule.sensitive`): a set of enterprise-years is sensitive when it has fewer
   than `min_count` respondents (threshold rule), or when its `dominance_n` largest contributors make
   up more than `dominance_k` % of its value (the (n, k) dominance rule).
2. **Safe blocks** (`safe_blocks`): sensitive atoms are merged with their neighbours along a
   hierarchy (规上/规下 → platform → 中类 → 大类 → district → city) until every block is safe. Merging
   safe sets keeps them safe (counts add; the n largest of a union are at most the sum of each
   part's n largest, so the dominance share of a union never exceeds the larger of its parts').
3. **Complementary suppression** (`publishable`): an aggregate is published only if it is a union
   of whole blocks. Every published figure is then a sum of block totals, so anything a caller can
   derive by any linear combination of any set of published figures — from one query or from every
   query together — is a combination of block totals: no block can be split, and no block is
   smaller than the threshold or dominated. The property test checks this with linear algebra.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Rule:
    """Primary suppression settings: threshold and (n, k) dominance (k in percent; 0 switches off)."""

    min_count: int = 3
    dominance_n: int = 1
    dominance_k: Decimal = Decimal(85)

    def sensitive(self, count: int, total: Decimal, top: Sequence[Decimal]) -> bool:
        if count <= 0:
            return False  # an empty set discloses nobody
        if count < self.min_count:
            return True
        if self.dominance_k <= 0 or total <= 0:
            return False
        largest = sum(sorted((abs(v) for v in top), reverse=True)[: self.dominance_n], Decimal(0))
        return largest * 100 > self.dominance_k * total


@dataclass
class Atom:
    """The finest addressable cell: its key, respondents, value and largest contributions."""

    key: Key
    count: int
    value: Decimal
    top: list[Decimal] = field(default_factory=list)


@dataclass
class _Block:
    atoms: list[Key]
    count: int
    value: Decimal
    top: list[Decimal]

    def merge(self, other: _Block, keep: int) -> None:
        self.atoms += other.atoms
        self.count += other.count
        self.value += other.value
        self.top = sorted(self.top + other.top, reverse=True)[:keep]


def safe_blocks(
    atoms: Iterable[Atom], levels: Sequence[Callable[[Key], Hashable]], rule: Rule
) -> dict[Key, int]:
    """Partition the non-empty atoms into blocks none of which is sensitive (atom key → block id).

    `levels` are coarsening functions, finest first; at each level the sensitive blocks sharing a
    coarse key are merged together and, if still sensitive, with the smallest safe block of that key.
    The last level should map every atom to one key (the whole table); if even that is sensitive, the
    single block is marked sensitive and nothing but empty aggregates is published.
    """
    keep = max(rule.dominance_n, 1)
    blocks = [
        _Block([a.key], a.count, Decimal(a.value), sorted((abs(v) for v in a.top), reverse=True)[:keep])
        for a in atoms
        if a.count > 0
    ]
    for level in levels:
        groups: dict[Hashable, list[_Block]] = {}
        for b in blocks:
            groups.setdefault(level(b.atoms[0]), []).append(b)
        blocks = []
        for members in groups.values():
            bad = [b for b in members if rule.sensitive(b.count, b.value, b.top)]
            good = [b for b in members if not rule.sensitive(b.count, b.value, b.top)]
            if bad:
                merged = bad[0]
                for b in bad[1:]:
                    merged.merge(b, keep)
                # Still sensitive: absorb the smallest safe neighbours until safe (or none is left).
                good.sort(key=lambda b: (b.count, b.value, repr(b.atoms[0])))
                while rule.sensitive(merged.count, merged.value, merged.top) and good:
                    merged.merge(good.pop(0), keep)
                good.append(merged)
            blocks.extend(good)
    out: dict[Key, int] = {}
    for i, b in enumerate(blocks):
        block_id = -1 if rule.sensitive(b.count, b.value, b.top) else i
        for key in b.atoms:
            out[key] = block_id
    return out


def publishable(members: Iterable[Key], block_of: Mapping[Key, int]) -> bool:
    """True when the atoms of an aggregate (`members`, empty atoms ignored) form whole blocks."""
    chosen: dict[int, int] = {}
    for key in members:
        block = block_of.get(key)
        if block is None:
            continue  # an empty atom
        if block < 0:
            return False
        chosen[block] = chosen.get(block, 0) + 1
    if not chosen:
        return True
    sizes: dict[int, int] = {}
    for block in block_of.values():
        if block in chosen:
            sizes[block] = sizes.get(block, 0) + 1
    return all(sizes[b] == n for b, n in chosen.items())


@dataclass
class Table:
    """The protected atom table of one year and measure; `allows(predicate)` answers whether the
    aggregate of the atoms matching `predicate` may be published."""

    atoms: Mapping[Key, Atom]
    block_of: Mapping[Key, int]
    _sizes: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def allows(self, predicate: Callable[[Key], bool]) -> bool:
        """`publishable` for the atoms matching `predicate`, with the block sizes counted once per
        table (a publication asks thousands of questions of the same table)."""
        return self.allows_members(k for k in self.atoms if predicate(k))

    def allows_members(self, members: Iterable[Key]) -> bool:
        """Whether the aggregate of exactly these atoms may be published (`publishable`)."""
        # A table cached before this attribute existed has none: counted on first use either way.
        sizes: dict[int, int] = self.__dict__.setdefault("_sizes", {})
        if not sizes:
            for each in self.block_of.values():
                sizes[each] = sizes.get(each, 0) + 1
        chosen: dict[int, int] = {}
        for key in members:
            block = self.block_of.get(key)
            if block is None:
                continue
            if block < 0:
                return False
            chosen[block] = chosen.get(block, 0) + 1
        return all(sizes[b] == n for b, n in chosen.items())


def protect(atoms: Iterable[Atom], levels: Sequence[Callable[[Key], Hashable]], rule: Rule) -> Table:
    atoms = list(atoms)
    return Table({a.key: a for a in atoms}, safe_blocks(atoms, levels, rule))
