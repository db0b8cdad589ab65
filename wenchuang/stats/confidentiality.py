"""Statistical confidentiality applied where aggregates leave for users (the API's breakdowns and
district figures; the same call serves pages, exports and reports). The algorithm is the pure
`stats.disclosure`; this module only reads its inputs — the year's rollup cells as atoms and, for
the dominance rule, each atom's largest contributions from the micro rows — and caches the
protected table per year, measure and rollup refresh.

Settings: `WENCHUANG_DISCLOSURE_MIN_COUNT` (threshold, default 3), `WENCHUANG_DISCLOSURE_DOMINANCE_N`
and `WENCHUANG_DISCLOSURE_DOMINANCE_K` ((n, k) rule in percent, default (1, 85); k = 0 switches it off).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache

from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import disclosure
from wenchuang.stats.disclosure import Key
from wenchuang.stats.models import FactCell, RollupYear

# Atom key: (district code, platform key, 小类 code, 规上, 数字文化, 核心领域).
D, P, CAT, SCALE, DIGITAL, CORE = range(6)

# Coarsening order: keep district and category tables whole as long as possible.
LEVELS: Sequence[Callable[[Key], Hashable]] = (
    lambda k: (k[D], k[P], k[CAT]),
    lambda k: (k[D], k[CAT]),
    lambda k: (k[D], k[CAT][:3]),
    lambda k: (k[D], k[CAT][:2]),
    lambda k: (k[D],),
    lambda k: (),
)
_CELL_VALUE = {
    "revenue": "revenue",
    "employees": "employees",
    "exports": "exports",
    "total_output": "total_output",
}
_FLAG_INDEX = {"above_scale": SCALE, "digital": DIGITAL, "core": CORE}
_PREFIX = {"major": 2, "middle": 3, "minor": 4}


def rule() -> disclosure.Rule:
    return disclosure.Rule(
        min_count=int(getattr(settings, "WENCHUANG_DISCLOSURE_MIN_COUNT", 3)),
        dominance_n=int(getattr(settings, "WENCHUANG_DISCLOSURE_DOMINANCE_N", 1)),
        dominance_k=Decimal(str(getattr(settings, "WENCHUANG_DISCLOSURE_DOMINANCE_K", 85))),
    )


def _micro_value(row: Mapping[str, Any], measure: str) -> Decimal:
    """One enterprise-year's contribution to `measure` (value added: income approach when complete,
    else revenue as its size proxy; total output: reported, else revenue — as in the rollup)."""
    if measure == "value_added":
        parts = [
            row[f] for f in ("labor_compensation", "net_production_tax", "depreciation", "operating_surplus")
        ]
        if all(p is not None for p in parts):
            return Decimal(sum(parts, Decimal(0)))
        return Decimal(row["revenue"] or 0)
    if measure == "total_output":
        return Decimal(row["total_output"] if row["total_output"] is not None else row["revenue"] or 0)
    return Decimal(row[measure] or 0)


def table(*, year: int, measure: str) -> disclosure.Table:
    """The protected atom table of `year` for `measure` (cached until the next rollup refresh)."""
    r = rule()
    stamp = RollupYear.objects.filter(year=year).values_list("refreshed_at", flat=True).first()
    when = stamp.timestamp() if stamp else 0
    cache_key = f"disclosure:{year}:{measure}:{when}:{r.min_count}:{r.dominance_n}:{r.dominance_k}"
    found = cache.get(cache_key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    atoms: dict[Key, disclosure.Atom] = {}
    flags: dict[tuple[Any, ...], Key] = {}
    column = _CELL_VALUE.get(measure)
    fields = ("district__code", "platform_key", "category_code", "is_above_scale", "is_digital", "is_core")
    value_fields = ("n_rows", "va_direct", "va_estimated", *_CELL_VALUE.values())
    for c in FactCell.objects.filter(year=year).values(*fields, *value_fields).order_by():
        key: Key = tuple(c[f] for f in fields)
        if measure == "value_added":
            value = Decimal(c["va_direct"] or 0) + Decimal(c["va_estimated"] or 0)
        elif column:
            value = Decimal(c[column] or 0)
        else:
            value = Decimal(c["n_rows"] or 0)
        atom = atoms.get(key) or disclosure.Atom(key, 0, Decimal(0))
        atom.count += c["n_rows"]
        atom.value += value
        atoms[key] = atom
        flags[key[:4]] = key
    if measure != "enterprise_years":  # a count is published as a frequency; magnitudes get (n, k)
        keep = max(r.dominance_n, 1)
        micro = EnterpriseYear.objects.filter(year=year).values(
            "enterprise__district__code",
            "enterprise__platform_id",
            "enterprise__culture_category__code",
            "is_above_scale",
            "revenue",
            "employees",
            "exports",
            "total_output",
            "labor_compensation",
            "net_production_tax",
            "depreciation",
            "operating_surplus",
        )
        for row in micro.order_by().iterator(chunk_size=5000):
            short = (
                row["enterprise__district__code"],
                row["enterprise__platform_id"] or 0,
                row["enterprise__culture_category__code"] or "",
                row["is_above_scale"],
            )
            full = flags.get(short)
            if full is None:
                continue  # not in the rollup yet (a refresh is due)
            top = atoms[full].top
            top.append(abs(_micro_value(row, measure)))
            if len(top) > keep:
                top.sort(reverse=True)
                del top[keep:]
    result = disclosure.protect(atoms.values(), LEVELS, r)
    cache.set(cache_key, result, 600)
    return result


def _flag_is(index: int, wanted: bool, k: Key) -> bool:
    return bool(k[index]) == wanted


def _both(a: Callable[[Key], bool], b: Callable[[Key], bool], k: Key) -> bool:
    return a(k) and b(k)


def _filter_predicate(filters: Mapping[str, Any]) -> Callable[[Key], bool]:
    checks: list[Callable[[Key], bool]] = []
    for name, index in _FLAG_INDEX.items():
        if filters.get(name) is not None:
            wanted = bool(filters[name])
            checks.append(functools.partial(_flag_is, index, wanted))
    if filters.get("district"):
        code = str(filters["district"])
        checks.append(lambda k: k[D] == code)
    return lambda k: all(c(k) for c in checks)


def _group_predicate(by: str, key: str, unit: Any = None) -> Callable[[Key], bool]:
    if by == "district":
        return lambda k: k[D] == key
    if by in _PREFIX:
        n = _PREFIX[by]
        return lambda k: (k[CAT] or "")[:n] == key
    if by in _FLAG_INDEX:
        i, wanted = _FLAG_INDEX[by], key == "yes"
        return lambda k: bool(k[i]) == wanted
    if by == "spatial_unit" and unit is not None:
        districts = {d.code for d in unit.districts.all()}
        platforms = {link.platform_id for link in unit.platform_links.all()}
        return lambda k: k[D] in districts or k[P] in platforms
    return lambda k: False  # unknown: publish nothing


def _hide(group: Any) -> Any:
    return dataclasses.replace(group, value=None, coverage=None, suppressed=True)


def protect_breakdown(result: dict[str, Any], *, plan: Any = None) -> dict[str, Any]:
    """Suppress (primary and complementary) the total and groups of a breakdown built by
    `stats.breakdowns.measure_breakdown`: only aggregates that are unions of safe blocks stay."""
    t = table(year=result["year"], measure=result["measure"])
    base = _filter_predicate(result["filters"])
    out = dict(result)
    selected = [k for k in t.atoms if base(k)]
    if not t.allows_members(selected):
        out["total"] = _hide(result["total"])
    by = result["by"]
    key_of = _group_key(by)
    groups = []
    if key_of is not None:
        # The groups partition the atoms: one pass sorts the selected atoms into their groups.
        members: dict[str, list[Key]] = {}
        for k in selected:
            members.setdefault(key_of(k), []).append(k)
        for g in result["groups"]:
            groups.append(g if t.allows_members(members.get(g.key, [])) else _hide(g))
    else:
        units = {u.code: u for u in plan.spatial_units.all()} if plan is not None else {}
        for g in result["groups"]:
            pred = _group_predicate(by, g.key, units.get(g.key))
            groups.append(g if t.allows_members([k for k in selected if pred(k)]) else _hide(g))
    out["groups"] = groups
    return out


def _group_key(by: str) -> Callable[[Key], str] | None:
    """The group an atom falls in, for the dimensions whose groups partition the atoms (None for
    spatial units, which overlap); the same keys as `_group_predicate`."""
    if by == "district":
        return lambda k: str(k[D])
    if by in _PREFIX:
        n = _PREFIX[by]
        return lambda k: (k[CAT] or "")[:n]
    if by in _FLAG_INDEX:
        i = _FLAG_INDEX[by]
        return lambda k: "yes" if k[i] else "no"
    return None


def protect_district(groups: list[Any], *, year: int, district_code: str) -> list[Any]:
    """A district's figures per measure (group key = measure), each checked in its measure's table."""
    return [
        g if table(year=year, measure=g.key).allows(lambda k: k[D] == district_code) else _hide(g)
        for g in groups
    ]


def _formula_predicate(spec: Mapping[str, Any]) -> Callable[[Key], bool] | None:
    """The atoms an indicator operand's filter selects; None when the filter is not one the atoms
    answer (then nothing of the split is published)."""
    filters = dict(spec.get("filter", {}))
    known = {"above_scale", "digital", "core", "district"}
    if set(filters) - known:
        return None
    return _filter_predicate(filters)


def allows(*, year: int, measure: str, where: Callable[[Key], bool]) -> bool:
    """Whether the aggregate of `measure` over the atoms `where` selects may be published (a union of
    safe blocks). `measure` is a rollup measure or "enterprise_years" (a count)."""
    return table(year=year, measure=measure).allows(where)


def operand_allowed(spec: Mapping[str, Any], *, year: int, where: Callable[[Key], bool]) -> bool | None:
    """An indicator operand restricted to `where`: True/False for an aggregate of a micro measure (False
    when its filter is not one the atoms answer: it cannot be checked); None for an operand that is no
    micro aggregate (an official figure, another indicator), which the caller judges by its own rule."""
    measure = spec.get("measure")
    if measure not in ("value_added", *_CELL_VALUE):
        return None
    pred = _formula_predicate(spec)
    if pred is None:
        return False
    return allows(year=year, measure=str(measure), where=functools.partial(_both, pred, where))


def protect_indicator_rows(
    rows: list[dict[str, Any]], *, formula: Mapping[str, Any], year: int, by: str
) -> list[dict[str, Any]]:
    """An indicator's split by district or 大类 (`stats.selectors.formula_breakdown` rows) for a user
    who gets suppressed figures: a row stays only if every operand's aggregate is publishable."""
    kind = formula.get("kind")
    operands = (
        [formula] if kind == "aggregate" else [formula.get("numerator", {}), formula.get("denominator", {})]
    )
    checks: list[tuple[str, Callable[[Key], bool]]] = []
    for spec in operands:
        pred = _formula_predicate(spec)
        measure = spec.get("measure")
        if pred is None or measure not in ("value_added", *_CELL_VALUE):
            return [{**r, "value": None} for r in rows]
        checks.append((measure, pred))
    group_by = "district" if by == "district" else "major"
    out = []
    for r in rows:
        group = _group_predicate(group_by, r["code"] or "")
        ok = all(table(year=year, measure=m).allows(functools.partial(_both, p, group)) for m, p in checks)
        out.append(r if ok else {**r, "value": None})
    return out
