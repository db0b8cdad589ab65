"""`wenchuang demo`: a deterministic, calibrated synthetic cultural-industry data set.

Same enterprise count and seed → the same data. 2015–2025, with 2020 reproducing the plan's facts
exactly (as read from the plan file by `demo.plan_figures`: above-scale firms, revenue, digital share,
value added, output, employees, listed/leading firms, platforms, talents, export items, the western five
counties' share).

How the numbers come out exact: money is handled as integer cents of 万元. The firms are split into a
small *pool* (the 1900 firms that can ever be above scale, held in memory) and a long *tail* (every other
firm, streamed in chunks and written as it is generated). The tail is generated first and its yearly
output and value-added sums are kept; the pool is then calibrated per year so that the totals hit the
targets to the cent (rounding residuals go to the firm with the most room).

Writes are set-based: `executemany` on SQLite, `COPY` on PostgreSQL, inside one transaction, explicit ids.
Demo rows carry `is_demo=True` and 示例 in every name; nothing else is touched.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.deletion import CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET_NULL
from django.utils import timezone

from wenchuang.classify.models import CultureCategory, GbtIndustryMapping
from wenchuang.core import bulk
from wenchuang.core.crypto import keyed_hash
from wenchuang.core.errors import DomainError
from wenchuang.core.uscc import make_valid, org_check_character
from wenchuang.demo import text
from wenchuang.demo.plan_figures import DEMO_PLAN, PlanFiguresMissing, plan_figures
from wenchuang.demo.targets import BASE_YEAR, FIRST_YEAR, LAST_YEAR, YEARS, YearTarget, year_targets
from wenchuang.plan.models import SpatialUnit
from wenchuang.plan.schema import PlanFileError
from wenchuang.registry.models import (
    ENTERPRISE_YEAR_FACTS,
    District,
    Enterprise,
    EnterpriseYear,
    ExportItem,
    Platform,
    Talent,
)

DEFAULT_ENTERPRISES = 3000
PLAN_PLATFORM_SHARE = 1 / 3  # of a district's platform firms, those in the plan's named key platforms
DEFAULT_SEED = 20201231
MIN_ENTERPRISES = 2000
POOL_SIZE = 1900  # firms that may be above scale in some year (≥ 2025 count + margin)
POOL_MARGIN = 60  # alive pool firms beyond the above-scale count, every year
CHUNK = 20_000  # tail firms per generated/written chunk (fixed: part of the determinism)
THRESHOLD = 2000_00  # 2000万元 in cents of 万元: the smallest above-scale revenue
TAIL_CAP = 1900_00  # a tail firm stays below the threshold
TAIL_OUTPUT_SHARE = 0.12  # the long tail's share of total output when it is large enough
TAIL_EXIT_HAZARD = 0.04
# A firm's yearly noise (log-sd σ) is AR(1), z' = ρz + √(1-ρ²)·ε: stationary N(0, 1), so levels and
# the tail's expected share of output are as with independent draws, but consecutive years differ
# by σ·√(2(1-ρ)) instead of σ·√2. Independent draws had the ±50% year-on-year validation rules flag
# a third of all enterprise-years; with these values about 3% (test_demo.py keeps it under 10%).
POOL_NOISE, POOL_PERSISTENCE = 0.12, 0.85
TAIL_NOISE, TAIL_PERSISTENCE = 0.25, 0.9
# Log-sd of pool firm size: wide enough that the revenue exponent k (see write_pool_years) is ≈ 1.
POOL_SPREAD = 1.5
RAMP_START, RAMP_STEP = 0.6, 0.1  # see _ramp
POOL_FLOOR = 50_00  # 50万元: the smallest revenue of a pool firm below the threshold
# A firm hires or lets go only when its revenue calls for this many more or fewer people, so a
# one- or two-person firm does not flip between 1 and 2 (±100%) with every small revenue change.
HEADCOUNT_SLACK = 0.8
SQLITE_CACHE_KIB = 256 * 1024

PARAMS_RE = re.compile(r"enterprises=(\d+) seed=(\d+)")

# District weights (GB/T 2260 code → weight) for the pool and for the tail.
_POOL_DISTRICTS = {
    "330102": 14,
    "330105": 10,
    "330106": 17,
    "330108": 21,
    "330109": 7,
    "330110": 14,
    "330113": 3,
    "330114": 4,
    "330111": 2.0,
    "330112": 1.7,
    "330122": 1.0,
    "330127": 0.6,
    "330182": 0.7,
}
_TAIL_DISTRICTS = {
    "330102": 12,
    "330105": 10,
    "330106": 14,
    "330108": 13,
    "330109": 9,
    "330110": 12,
    "330113": 5,
    "330114": 5,
    "330111": 2.0,
    "330112": 1.6,
    "330122": 1.1,
    "330127": 0.6,
    "330182": 0.9,
}
# Weight of each 大类 among the non-digital 小类 (Hangzhou is strong in content, design, media).
_MAJOR_WEIGHT = {
    "01": 0.8,
    "02": 2.2,
    "03": 2.0,
    "04": 1.2,
    "05": 0.8,
    "06": 1.0,
    "07": 1.3,
    "08": 0.5,
    "09": 0.6,
}


class DemoError(DomainError):
    """A demo request that cannot be carried out; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class DemoParams:
    enterprises: int
    seed: int


@dataclass
class DemoResult:
    status: str  # "created" or "exists"
    params: DemoParams
    rows: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


ProgressFn = Callable[[str], None]


# --------------------------------------------------------------------------------------------- reads


def demo_existing_params() -> DemoParams | None:
    """Parameters of the demo set in the database; None when there is none.

    Raises DemoError when demo rows exist but carry no readable parameters (e.g. a foreign or broken set).
    """
    has_any = any(m.objects.filter(is_demo=True).exists() for m in (Platform, Enterprise, Talent, ExportItem))
    if not has_any:
        return None
    note = Platform.objects.filter(is_demo=True).order_by("pk").values_list("note", flat=True).first() or ""
    match = PARAMS_RE.search(note)
    if not match:
        raise DemoError("数据库中已有示例数据，但无法读取其生成参数；请使用 --replace 重新生成。")
    return DemoParams(enterprises=int(match.group(1)), seed=int(match.group(2)))


def demo_content_hash() -> str:
    """SHA-256 over the content of every demo row (natural keys, no ids, timestamps or ciphertext)."""
    h = hashlib.sha256()

    def feed(rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            h.update(repr(tuple(row)).encode())
            h.update(b"\n")

    feed(
        Platform.objects.filter(is_demo=True)
        .order_by("name")
        .values_list("name", "kind", "level", "district__code", "recognized_year", "revoked_year", "note")
    )
    feed(
        Enterprise.objects.filter(is_demo=True)
        .order_by("uscc")
        .values_list(
            "uscc",
            "name",
            "gbt_code",
            "business_scope",
            "district__code",
            "platform__name",
            "founded_on",
            "status",
            "culture_category__code",
        )
        .iterator(chunk_size=5000)
    )
    feed(
        EnterpriseYear.objects.filter(enterprise__is_demo=True)
        .order_by("enterprise__uscc", "year")
        .values_list(
            "enterprise__uscc",
            "year",
            *ENTERPRISE_YEAR_FACTS,
        )
        .iterator(chunk_size=5000)
    )
    feed(
        (
            t.name,
            t.category,
            t.field,
            t.id_number,
            t.phone,
            t.district.code if t.district else None,
            t.enterprise.uscc if t.enterprise else None,
            t.recognized_year,
        )
        for t in Talent.objects.filter(is_demo=True).select_related("district", "enterprise").order_by("name")
    )
    feed(
        ExportItem.objects.filter(is_demo=True)
        .order_by("kind", "name")
        .values_list("kind", "name", "enterprise__uscc", "district__code", "recognized_year", "revoked_year")
    )
    return h.hexdigest()


# -------------------------------------------------------------------------------------------- writes


def demo_delete() -> dict[str, int]:
    """Delete every `is_demo=True` row, set-based, honouring each relation's on_delete; non-demo rows stay."""
    deleted: dict[str, int] = {}
    with transaction.atomic():
        # Children first so the SET_NULL updates only ever touch non-demo rows.
        for model in (Talent, ExportItem, Enterprise, Platform):
            _delete_set_based(model, model.objects.filter(is_demo=True), deleted)
    return deleted


def _delete_set_based(model: type[models.Model], qs: models.QuerySet, deleted: dict[str, int]) -> None:
    """Like QuerySet.delete() but without loading rows (history signals would force that at 1M rows)."""
    pks = qs.values("pk")
    # include_hidden: relations declared with related_name="+" (validation violations point at
    # enterprise-years that way) cascade too; `_meta.related_objects` leaves them out.
    relations = [
        f for f in model._meta.get_fields(include_hidden=True) if isinstance(f, models.ForeignObjectRel)
    ]
    for rel in relations:
        related: Any = rel.related_model
        if rel.many_to_many:
            through = rel.through  # type: ignore[attr-defined]
            for f in through._meta.fields:
                if f.is_relation and f.related_model is model:
                    through.objects.filter(**{f"{f.name}__in": pks})._raw_delete(through.objects.db)
            continue
        on_delete = getattr(rel, "on_delete", DO_NOTHING)
        if on_delete is DO_NOTHING:  # history tables keep their copies of the ids
            continue
        children = related._base_manager.filter(**{f"{rel.field.name}__in": pks})
        if on_delete is CASCADE:
            _delete_set_based(related, children, deleted)
        elif on_delete is SET_NULL:
            children.update(**{rel.field.name: None})
        elif on_delete in (PROTECT, RESTRICT):
            if children.exists():
                raise DemoError(
                    f"示例数据被{related._meta.verbose_name}引用（受保护），无法删除；请先删除这些引用。"
                )
        else:
            raise DemoError(f"不支持的删除规则：{related._meta.label}.{rel.field.name}")
    count = qs._raw_delete(qs.db)
    if count:
        deleted[model._meta.label] = deleted.get(model._meta.label, 0) + count


def demo_generate(
    *,
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> DemoResult:
    """Create the demo data set. Raises DemoError for a refused request (message for the user)."""
    params = DemoParams(enterprises=enterprises, seed=seed)
    if enterprises < MIN_ENTERPRISES:
        raise DemoError(
            f"企业数不能少于{MIN_ENTERPRISES}家（2020年须容纳1426家规上文化企业及其成长与进出），当前为{enterprises}。"
        )
    if enterprises > 50_000_000:
        raise DemoError("企业数过大（上限5000万家）。")
    started = time.monotonic()
    say = progress or (lambda _msg: None)
    with transaction.atomic():
        deleted: dict[str, int] = {}
        existing = None if replace else demo_existing_params()
        if existing is not None:
            if existing == params:
                return DemoResult(status="exists", params=params)
            raise DemoError(
                f"数据库中已有示例数据（企业{existing.enterprises}家，种子{existing.seed}），与本次参数不同；"
                "如需重新生成请加 --replace。"
            )
        if replace:
            t0 = time.monotonic()
            deleted = demo_delete()
            say(f"已删除原有示例数据：{sum(deleted.values())}行，{time.monotonic() - t0:.1f}秒")
        rows = _Generator(params, say).run()
    return DemoResult(
        status="created", params=params, rows=rows, deleted=deleted, seconds=time.monotonic() - started
    )


# ----------------------------------------------------------------------------------------- reference


@dataclass(frozen=True)
class DemoCategory:
    id: int
    code: str
    name: str
    major: str
    digital: bool
    gbt_codes: tuple[str, ...]


def load_categories() -> list[DemoCategory]:
    gbt: dict[int, list[str]] = {}
    for code, cat_id in GbtIndustryMapping.objects.order_by("gbt_code").values_list(
        "gbt_code", "category_id"
    ):
        gbt.setdefault(cat_id, []).append(code)
    cats = [
        DemoCategory(c.id, c.code, c.name, c.code[:2], c.is_new_form, tuple(gbt[c.id]))
        for c in CultureCategory.objects.filter(level=3).order_by("code")
        if c.id in gbt
    ]
    if not cats or not any(c.digital for c in cats):
        raise DemoError("尚未载入文化产业分类参考数据；请先运行 wenchuang reference load。")
    return cats


class _Picker:
    """Weighted choice with precomputed cumulative weights (random.choices recomputes them each call)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        total = float(sum(weights))
        acc, self.cum = 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)
        self.cum[-1] = 1.0

    def pick(self, u: float) -> Any:
        from bisect import bisect_right

        return self.items[min(bisect_right(self.cum, u), len(self.items) - 1)]


def _category_pickers(cats: list[DemoCategory]) -> tuple[_Picker, _Picker]:
    digital = [c for c in cats if c.digital]
    # The content and internet 小类 carry Hangzhou's digital economy; devices are a small share.
    dw = [3.0 if c.major in ("01", "02") else 2.0 if c.major in ("03", "04") else 0.6 for c in digital]
    other = [c for c in cats if not c.digital]
    ow = [_MAJOR_WEIGHT.get(c.major, 1.0) for c in other]
    return _Picker(digital, dw), _Picker(other, ow)


def _round_exact(values: Sequence[float], target: int, caps: Sequence[int] | None = None) -> list[int]:
    """Round to integers (≥ 0, ≤ caps) that sum exactly to target; the residual goes where there is room."""
    ints = [max(round(v), 0) for v in values]
    if caps is not None:
        ints = [min(v, c) for v, c in zip(ints, caps, strict=True)]
    residual = target - sum(ints)
    if residual > 0:
        room = [c - v for v, c in zip(ints, caps, strict=True)] if caps is not None else ints
        for i in sorted(range(len(ints)), key=lambda i: (-room[i], i)):
            step = residual if caps is None else min(residual, room[i])
            ints[i] += step
            residual -= step
            if not residual:
                break
    elif residual < 0:
        for i in sorted(range(len(ints)), key=lambda i: (-ints[i], i)):
            step = min(-residual, ints[i])
            ints[i] -= step
            residual += step
            if not residual:
                break
    if residual:
        raise DemoError("示例数据校准失败（目标无法分配），请换用其他种子。")
    return ints


def _solve_exponent(logs: Sequence[float], total: float) -> float:
    """k ≥ 0 with Σ exp(k·x) = total, for x ≥ 0 and len(logs) < total (bisection; monotone in k)."""
    lo, hi = 0.0, 1.0
    while sum(math.exp(hi * x) for x in logs) < total:
        lo, hi = hi, 2 * hi
        if hi > 64:
            raise DemoError("示例数据校准失败：营业收入无法分配。")
    for _ in range(50):
        mid = (lo + hi) / 2
        if sum(math.exp(mid * x) for x in logs) < total:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _split_va(va: int, u1: float, u2: float, u3: float) -> tuple[int, int, int, int]:
    """Income approach: labour compensation, net production tax, depreciation, operating surplus."""
    labor = int(va * (0.42 + 0.16 * u1))
    tax = int(va * (0.06 + 0.07 * u2))
    dep = int(va * (0.07 + 0.08 * u3))
    return labor, tax, dep, va - labor - tax - dep


def demo_uscc(district_code: str, serial: int, salt: int, prefix: str = "D") -> str:
    """Registration authority 9 (市场监管), type 1 (企业), district, organisation code, check."""
    digits = f"{(serial * 3_481_027 + salt) % 10_000_000:07d}"  # bijective on 0..10^7-1
    body = prefix + digits
    return make_valid(f"91{district_code}{body}{org_check_character(body)}")


# --------------------------------------------------------------------------------------------- writer


def _money_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _money_float(cents: int) -> float:
    return cents / 100


class BulkWriter:
    """Raw, set-based inserts through `core.bulk` (executemany on SQLite, COPY on PostgreSQL), with the
    values each database takes as they are. Shared by the city demo and the region generator."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise DemoError(f"示例数据生成仅支持 SQLite 与 PostgreSQL（当前为 {self.vendor}）。")
        self.is_pg = self.vendor == "postgresql"
        now = timezone.now()
        self.now = now.isoformat() if self.is_pg else connection.ops.adapt_datetimefield_value(now)
        if not self.is_pg:
            # A big page cache keeps a million-row transaction from spilling to the WAL page by page.
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # COPY takes text; SQLite stores DECIMAL columns as REAL anyway (cents / 100 is the nearest double).
        self.money: Callable[[int], Any] = _money_text if self.is_pg else _money_float

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        bulk.insert_rows(model._meta.db_table, columns, rows)

    def next_id(self, model: type[models.Model]) -> int:
        return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def reset_sequences(self, models_: list[type[models.Model]]) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), models_)
        if sql:
            with connection.cursor() as cur:
                for stmt in sql:
                    cur.execute(stmt)


ENTERPRISE_COLUMNS = (
    "id",
    "uscc",
    "name",
    "gbt_code",
    "business_scope",
    "district_id",
    "platform_id",
    "founded_on",
    "status",
    "culture_category_id",
    "is_demo",
    "created_at",
    "updated_at",
)
YEAR_COLUMNS = ("id", "enterprise_id", "year", *ENTERPRISE_YEAR_FACTS)


# ------------------------------------------------------------------------------------------ generator


@dataclass
class _PoolFirm:
    idx: int
    district: str
    cat: DemoCategory
    founded: int
    exit_year: int | None  # first year without activity
    base: float
    growth: float
    scores: dict[int, float] = field(default_factory=dict)
    labour: float = 1.0  # the firm's own staffing intensity (employees per revenue), kept over the years
    listed_from: int | None = None
    leading_from: int | None = None

    west: bool = False  # in the western five counties (from the plan)

    def alive(self, year: int) -> bool:
        return self.founded <= year and (self.exit_year is None or year < self.exit_year)


def _ramp(age: int) -> float:
    # A firm's first (partial) year at 60%, full size from its fifth. A steeper ramp made nearly
    # every young firm's second year break the ±50% year-on-year rule.
    return min(1.0, RAMP_START + RAMP_STEP * max(age, 0))


def _tail_found_pmf() -> dict[int, float]:
    w = {y: math.exp(0.08 * (min(y, 2021) - 1990)) for y in range(1990, LAST_YEAR + 1)}
    total = sum(w.values())
    return {y: v / total for y, v in w.items()}


def plan_platforms_by_district(district_ids: dict[str, int]) -> dict[str, list[int]]:
    """The key platforms the loaded plan's corridors and clusters name, each placed in its own district
    or, where the plan gives none, in its unit's districts in turn. Demo firms register in them as in the
    demo's own parks (the same draw, so every other figure is unchanged), and the corridors and clusters,
    which count their platforms' firms, carry 示例 figures instead of 暂无数据. Institutions (a film
    school) host no firms. Nothing when the plan is not loaded."""
    by_id = {i: c for c, i in district_ids.items()}
    out: dict[str, list[int]] = {}
    seen: set[int] = set()
    units = (
        SpatialUnit.objects.filter(plan__code=DEMO_PLAN, platform_links__isnull=False)
        .distinct()
        .order_by("kind", "seq")
        .prefetch_related("districts", "platform_links__platform")
    )
    for unit in units:
        unit_codes = sorted(d.code for d in unit.districts.all() if d.code in district_ids)
        for n, link in enumerate(unit.platform_links.all()):
            platform = link.platform
            if platform.pk in seen or platform.kind == "institution":
                continue
            code = by_id.get(platform.district_id) if platform.district_id else None
            if code is None and unit_codes:
                code = unit_codes[n % len(unit_codes)]
            if code is not None:
                seen.add(platform.pk)
                out.setdefault(code, []).append(platform.pk)
    return out


class _Generator:
    def __init__(self, params: DemoParams, say: ProgressFn) -> None:
        self.params = params
        self.say = say
        self.seed = params.seed
        try:
            self.plan = plan_figures()
        except (PlanFiguresMissing, PlanFileError) as exc:
            raise DemoError(str(exc)) from exc
        self.western = frozenset(self.plan.western_districts)
        self.targets = year_targets(params.seed, self.plan)
        self.district_ids = dict(District.objects.values_list("code", "id"))
        missing = [c for c in _POOL_DISTRICTS if c not in self.district_ids]
        if missing:
            raise DemoError("尚未载入杭州行政区划参考数据；请先运行 wenchuang reference load。")
        self.cats = load_categories()
        self.digital_picker, self.other_picker = _category_pickers(self.cats)
        self.scopes = {
            c.id: text.scope_variants(c.name, c.major, random.Random(f"{self.seed}:scope:{c.code}"))
            for c in self.cats
        }
        self.writer = BulkWriter()
        self.salt = random.Random(f"{self.seed}:uscc").randrange(10_000_000)
        self.taken = self._taken_bodies()
        self.rows: dict[str, int] = {}

    def _taken_bodies(self) -> set[str]:
        """Organisation-code bodies already used by non-demo enterprises (demo codes must not collide)."""
        return {
            u[8:16]
            for u in Enterprise.objects.filter(is_demo=False).values_list("uscc", flat=True).iterator()
            if len(u) == 18 and u[8] in "DE"
        }

    def uscc(self, district: str, serial: int) -> str:
        code = demo_uscc(district, serial, self.salt)
        if code[8:16] in self.taken:
            code = demo_uscc(district, serial, self.salt, prefix="E")
            if code[8:16] in self.taken:
                raise DemoError("示例企业统一社会信用代码与现有数据冲突，请换用其他种子。")
        return code

    def count(self, key: str, n: int) -> None:
        self.rows[key] = self.rows.get(key, 0) + n

    # ---------------------------------------------------------------------------------------- run

    def run(self) -> dict[str, int]:
        t0 = time.monotonic()
        platforms = self.make_platforms()
        self.platforms_by_district: dict[str, list[int]] = {}
        for p in platforms:
            if p.kind in ("park", "street", "hq", "town") and p.district_id is not None:
                code = next(c for c, i in self.district_ids.items() if i == p.district_id)
                self.platforms_by_district.setdefault(code, []).append(p.pk)
        self.plan_platforms = plan_platforms_by_district(self.district_ids)
        self.plan_platform_rng = random.Random(f"{self.seed}:plan-platforms")
        self.ent_base = self.writer.next_id(Enterprise)
        self.ey_id = self.writer.next_id(EnterpriseYear)
        pool = self.make_pool()
        self.write_pool_enterprises(pool)
        tail_sums = self.write_tail()
        self.write_pool_years(pool, tail_sums)
        self.writer.reset_sequences([Enterprise, EnterpriseYear])
        self.make_talents(pool)
        self.make_export_items(pool)
        self.say(f"完成：共写入{sum(self.rows.values())}行，用时{time.monotonic() - t0:.1f}秒")
        return self.rows

    # ---------------------------------------------------------------------------------- registries

    def _slots(self, key: str, first_year: int) -> list[int]:
        """Recognition years so that the cumulative count per year follows the targets."""
        rng = random.Random(f"{self.seed}:slots:{key}")
        years: list[int] = []
        prev = 0
        for y in YEARS:
            n = getattr(self.targets[y], key)
            if y == FIRST_YEAR:
                years += sorted(rng.randint(first_year, FIRST_YEAR) for _ in range(n))
            else:
                years += [y] * (n - prev)
            prev = n
        return years

    def make_platforms(self) -> list[Platform]:
        rng = random.Random(f"{self.seed}:platforms")
        years = self._slots("platforms", 2006)
        n_2020 = sum(1 for y in years if y <= BASE_YEAR)
        # The plan fixes 2020's national parks, the provincial/municipal parks and streets together and
        # (by difference) the headquarters platforms; the demo splits the last two by level and kind.
        mix = self.plan.platform_mix_2020
        parks_streets = _round_exact(
            [w * mix["park_street"] / 67 for w in (24, 30, 5, 8)], mix["park_street"]
        )
        hq = _round_exact([w * mix["hq"] / 23 for w in (8, 15)], mix["hq"])
        kinds_2020 = (
            [("park", "national")] * mix["national_park"]
            + [("park", "provincial")] * parks_streets[0]
            + [("park", "municipal")] * parks_streets[1]
            + [("street", "provincial")] * parks_streets[2]
            + [("street", "municipal")] * parks_streets[3]
            + [("hq", "provincial")] * hq[0]
            + [("hq", "municipal")] * hq[1]
        )
        if len(kinds_2020) != n_2020:
            raise DemoError("示例数据校准失败：2020年平台构成与规划的平台数不一致。")
        rng.shuffle(kinds_2020)
        later = _Picker(
            [
                ("park", "national"),
                ("park", "provincial"),
                ("park", "municipal"),
                ("street", "provincial"),
                ("street", "municipal"),
                ("hq", "provincial"),
                ("hq", "municipal"),
            ],
            [7, 22, 30, 6, 10, 8, 17],
        )
        kinds = kinds_2020 + [later.pick(rng.random()) for _ in years[n_2020:]]
        specs: list[tuple[str, str, int | None, int | None]] = [
            (k, lvl, y, None) for (k, lvl), y in zip(kinds, years, strict=True)
        ]
        # Rows that must not count: revoked before 2020, towns (another kind), not (yet) recognised.
        specs += [("park", "municipal", rng.randint(2010, 2014), rng.randint(2016, 2019)) for _ in range(3)]
        specs += [("town", "provincial", rng.randint(2016, 2018), None) for _ in range(3)]
        specs += [("park", "none", None, None) for _ in range(2)]
        district_picker = _Picker(list(_POOL_DISTRICTS), [max(w, 4) for w in _POOL_DISTRICTS.values()])
        codes = list(_POOL_DISTRICTS)
        objs, names = [], set()
        for i, (kind, level, rec, rev) in enumerate(specs):
            district = codes[i] if i < len(codes) else district_picker.pick(rng.random())
            suffix = rng.choice(text.PLATFORM_KIND_SUFFIX[(kind, level)])
            name = (
                f"{text.DEMO_MARK}·{text.DISTRICT_SHORT[district]}{rng.choice(text.PLATFORM_THEMES)}{suffix}"
            )
            n = 2
            while name in names:
                name = f"{name.rstrip('0123456789')}{n:02d}"
                n += 1
            names.add(name)
            objs.append(
                Platform(
                    name=name,
                    kind=kind,
                    level=level,
                    district_id=self.district_ids[district],
                    recognized_year=rec,
                    revoked_year=rev,
                    note="示例数据" if i else self.params_note(),
                    is_demo=True,
                )
            )
        created = Platform.objects.bulk_create(objs)
        self.count("platforms", len(created))
        return created

    def params_note(self) -> str:
        p = self.params
        return f"示例数据，由 wenchuang demo 生成；参数 enterprises={p.enterprises} seed={p.seed}"

    def make_talents(self, pool: list[_PoolFirm]) -> None:
        rng = random.Random(f"{self.seed}:talents")
        years = self._slots("talents", 2005)
        cats = _Picker(["celebrity", "leading", "top_professional"], [3, 3.5, 3.5])
        specs = [(cats.pick(rng.random()), y) for y in years]
        specs += [("other", rng.randint(2012, LAST_YEAR)) for _ in range(30)]
        district_picker = _Picker(list(_POOL_DISTRICTS), list(_POOL_DISTRICTS.values()))
        objs = []
        for i, (category, year) in enumerate(specs, start=1):
            birth = date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
            id_number = _id_number("330100", birth, 900 + i % 100)
            firm = pool[rng.randrange(len(pool))] if rng.random() < 0.45 else None
            objs.append(
                Talent(
                    name=f"{text.DEMO_MARK}人才{i:04d}",
                    category=category,
                    field=rng.choice(text.TALENT_FIELDS),
                    id_number=id_number,
                    id_number_hash=keyed_hash(id_number),
                    phone=f"1990000{i:04d}",
                    district_id=self.district_ids[
                        firm.district if firm else district_picker.pick(rng.random())
                    ],
                    enterprise_id=self.ent_base + firm.idx if firm else None,
                    recognized_year=year,
                    is_demo=True,
                )
            )
        self.count("talents", len(Talent.objects.bulk_create(objs)))

    def make_export_items(self, pool: list[_PoolFirm]) -> None:
        rng = random.Random(f"{self.seed}:exports")
        years = self._slots("export_items", 2007)
        kinds = ["base", "base"] + [
            rng.choice(["key_enterprise"] * 3 + ["key_project"] * 2) for _ in years[2:]
        ]
        firms = sorted(pool, key=lambda f: -f.base)[:300]
        rng.shuffle(firms)
        objs = []
        seq = {"base": 0, "key_enterprise": 0, "key_project": 0}
        for kind, year in zip(kinds, years, strict=True):
            seq[kind] += 1
            if kind == "base":
                district = ("330108", "330106", "330102")[(seq[kind] - 1) % 3]
                name, firm = (
                    f"{text.DEMO_MARK}·国家文化出口基地（{text.DISTRICT_SHORT[district]}）{seq[kind]:02d}",
                    None,
                )
            else:
                firm = firms.pop()
                district = firm.district
                label = "国家文化出口重点企业" if kind == "key_enterprise" else "国家文化出口重点项目"
                name = f"{text.DEMO_MARK}·{label}{seq[kind]:03d}"
            objs.append(
                ExportItem(
                    kind=kind,
                    name=name,
                    enterprise_id=self.ent_base + firm.idx if firm else None,
                    district_id=self.district_ids[district],
                    recognized_year=year,
                    is_demo=True,
                )
            )
        self.count("export_items", len(ExportItem.objects.bulk_create(objs)))

    # ----------------------------------------------------------------------------------------- pool

    def make_pool(self) -> list[_PoolFirm]:
        rng = random.Random(f"{self.seed}:pool")
        t = self.targets
        district_picker = _Picker(list(_POOL_DISTRICTS), list(_POOL_DISTRICTS.values()))
        pool: list[_PoolFirm] = []
        for r in range(POOL_SIZE):
            need_by = next((y for y in YEARS if t[y].above_count + POOL_MARGIN > r), None)
            exit_year = None
            if need_by == FIRST_YEAR:
                founded = min(2014, 1984 + int(31 * rng.random() ** 0.6))
            elif need_by is not None:
                founded = rng.randint(need_by - 4, need_by)
            else:
                founded = rng.randint(2012, 2024)
                if rng.random() < 0.25:
                    exit_year = rng.randint(max(founded + 1, FIRST_YEAR + 1), LAST_YEAR)
            district = district_picker.pick(rng.random())
            digital = rng.random() < 0.40
            cat = (self.digital_picker if digital else self.other_picker).pick(rng.random())
            base = (
                math.exp(rng.gauss(0, POOL_SPREAD))
                * (1.35 if digital else 1.0)
                * (0.6 if district in self.western else 1.0)
            )
            # Digital firms grow faster; the western counties catch up a little (regional balance policy).
            growth = rng.gauss(0.15 if digital else 0.07, 0.05) + (0.025 if district in self.western else 0.0)
            pool.append(
                _PoolFirm(r, district, cat, founded, exit_year, base, growth, west=district in self.western)
            )
        noise = random.Random(f"{self.seed}:pool-scores")
        pool_innovation = math.sqrt(1 - POOL_PERSISTENCE**2)
        for f in pool:
            # AR(1) noise: a firm's good or bad year carries over, as in real accounts. Independent
            # yearly draws made a third of all enterprise-years break the ±50% year-on-year rule.
            z = noise.gauss(0, 1)
            for y in YEARS:
                f.scores[y] = (
                    f.base * math.exp(f.growth * (y - BASE_YEAR) + POOL_NOISE * z) * _ramp(y - f.founded)
                )
                z = POOL_PERSISTENCE * z + pool_innovation * noise.gauss(0, 1)
            f.labour = math.exp(0.2 * noise.gauss(0, 1))
        self.assign_listing(pool, rng)
        return pool

    def assign_listing(self, pool: list[_PoolFirm], rng: random.Random) -> None:
        """Listed firms (permanent once listed) and leading firms; leading ⊂ listed up to 2021."""
        first = self.targets[FIRST_YEAR].above_count + POOL_MARGIN
        candidates = sorted((f for f in pool if f.idx < first), key=lambda f: (-f.base, f.idx))[:200]
        rng.shuffle(candidates)
        leading_only = {y: max(0, min(4, y - 2021)) for y in YEARS}  # 2022: 1 … 2025: 4
        listed_prev = 0
        for y in YEARS:
            listed_now = self.targets[y].listed - leading_only[y]
            for _ in range(listed_now - listed_prev):
                f = candidates.pop()
                f.listed_from = rng.randint(2000, FIRST_YEAR) if y == FIRST_YEAR else y
            listed_prev = listed_now
            for _ in range(leading_only[y] - leading_only.get(y - 1, 0)):
                candidates.pop().leading_from = y
        listed_2020 = [f for f in pool if f.listed_from is not None and f.listed_from <= BASE_YEAR]
        listed_2020.sort(key=lambda f: f.idx)
        for f in rng.sample(listed_2020, 14):
            f.leading_from = max(f.listed_from or FIRST_YEAR, rng.randint(2016, BASE_YEAR))
        later = [f for f in pool if f.listed_from is not None and f.leading_from is None]
        later.sort(key=lambda f: f.idx)
        for f in rng.sample(later, 8):
            f.leading_from = max(f.listed_from or 0, rng.randint(2021, LAST_YEAR))

    def firm_row(
        self,
        idx: int,
        district: str,
        cat: DemoCategory,
        founded: int,
        status: str,
        platform: int | None,
        rng: random.Random,
        large: bool,
    ) -> tuple[Any, ...]:
        name = text.enterprise_name(
            district, idx, text.name_core(cat.major, cat.digital, rng), rng.choice(text.forms(large=large))
        )
        gbt = cat.gbt_codes[0] if len(cat.gbt_codes) == 1 else rng.choice(cat.gbt_codes)
        founded_on = date(founded, 1, 1).toordinal() + rng.randrange(365)
        return (
            self.ent_base + idx,
            self.uscc(district, idx),
            name,
            gbt,
            rng.choice(self.scopes[cat.id]),
            self.district_ids[district],
            platform,
            date.fromordinal(founded_on).isoformat(),
            status,
            cat.id,
            True,
            self.writer.now,
            self.writer.now,
        )

    def platform_for(self, district: str, u: float, share: float, rng: random.Random) -> int | None:
        options = self.platforms_by_district.get(district)
        if not options or u >= share:
            return None
        chosen = options[rng.randrange(len(options))]
        # A third of a district's platform firms sit in the plan's named key platforms there. Drawn
        # from a stream of its own, so `rng` (and every other figure) is the same with or without them.
        named = self.plan_platforms.get(district)
        if named and self.plan_platform_rng.random() < PLAN_PLATFORM_SHARE:
            return named[self.plan_platform_rng.randrange(len(named))]
        return chosen

    def write_pool_enterprises(self, pool: list[_PoolFirm]) -> None:
        rng = random.Random(f"{self.seed}:pool-rows")
        rows = []
        for f in pool:
            status = "active" if f.exit_year is None else rng.choice(["deregistered", "moved_out"])
            platform = self.platform_for(f.district, rng.random(), 0.35, rng)
            rows.append(self.firm_row(f.idx, f.district, f.cat, f.founded, status, platform, rng, large=True))
        self.writer.write(Enterprise, ENTERPRISE_COLUMNS, rows)
        self.count("enterprises", len(rows))

    def write_pool_years(self, pool: list[_PoolFirm], tail: dict[int, dict[str, int]]) -> None:
        rng = random.Random(f"{self.seed}:pool-years")
        M = self.writer.money
        rows: list[tuple[Any, ...]] = []
        for y in YEARS:
            t: YearTarget = self.targets[y]
            alive = [f for f in pool if f.alive(y)]
            ranked = sorted(alive, key=lambda f: (-f.scores[y], f.idx))
            above = {f.idx for f in ranked[: t.above_count]}
            if len(above) != t.above_count:
                raise DemoError("示例数据校准失败：规上企业候选不足。")
            # Revenue = 2000万 · (score / cut-off score)^k, with k solved per group so the total hits
            # the target. It is one smooth curve across the threshold (the firm at the cut-off has
            # exactly 2000万), so a firm crossing it moves by its own change only; and k stays near 1,
            # so it does not amplify the scores' year-to-year changes.
            cut = ranked[t.above_count - 1].scores[y]
            rev: dict[int, int] = {}
            exponent: dict[bool, float] = {}
            for digital, target in ((True, t.digital_revenue), (False, t.above_revenue - t.digital_revenue)):
                group = [f for f in ranked[: t.above_count] if f.cat.digital is digital]
                if not group or target <= THRESHOLD * len(group):
                    raise DemoError("示例数据校准失败：数字文化营业收入无法分配。")
                logs = [math.log(f.scores[y] / cut) for f in group]
                k = exponent[digital] = _solve_exponent(logs, target / THRESHOLD)
                vals = [THRESHOLD * math.exp(k * x) for x in logs]
                rev.update(zip((f.idx for f in group), _round_exact(vals, target), strict=True))
            for f in alive:
                if f.idx not in above:
                    scaled = THRESHOLD * (f.scores[y] / cut) ** exponent[f.cat.digital]
                    rev[f.idx] = min(THRESHOLD - 1_00, max(POOL_FLOOR, int(scaled)))
            # Employees follow revenue^0.75 times the firm's own (lasting) staffing intensity, with a
            # little yearly noise; the same formula below the threshold, so crossing it is smooth.
            weight = {
                f.idx: (rev[f.idx] / 100) ** 0.75 * f.labour * math.exp(0.05 * rng.gauss(0, 1)) for f in alive
            }
            ab = ranked[: t.above_count]
            extra = t.above_employees - 20 * len(ab)
            per_weight = extra / sum(weight[f.idx] for f in ab)
            emp: dict[int, int] = dict(
                zip(
                    (f.idx for f in ab),
                    _round_exact([20 + per_weight * weight[f.idx] for f in ab], t.above_employees),
                    strict=True,
                )
            )
            exports: dict[int, int] = {}
            for f in alive:
                if f.idx not in above:
                    share = rev[f.idx] / THRESHOLD
                    emp[f.idx] = max(3, round(20 * share + per_weight * weight[f.idx]))
                exports[f.idx] = int(rev[f.idx] * (0.02 + 0.2 * rng.random())) if rng.random() < 0.15 else 0
            # Total output: the pool takes whatever the tail left of each regional target.
            out: dict[int, int] = {}
            for west, target in ((True, t.western_output), (False, t.total_output - t.western_output)):
                group = [f for f in alive if f.west is west]
                remaining = target - tail[y]["out_west" if west else "out_rest"]
                raw = [rev[f.idx] * (0.85 + 0.2 * rng.random()) for f in group]
                total = sum(raw)
                if not group or remaining <= 0:
                    raise DemoError("示例数据校准失败：总产出无法分配。")
                out.update(
                    zip(
                        (f.idx for f in group),
                        _round_exact([remaining * v / total for v in raw], remaining),
                        strict=True,
                    )
                )
            remaining_va = t.value_added - tail[y]["va"]
            raw = [out[f.idx] * (0.22 + 0.14 * rng.random()) for f in alive]
            total = sum(raw)
            caps = [out[f.idx] for f in alive]
            va = _round_exact([remaining_va * v / total for v in raw], remaining_va, caps)
            for f, v in zip(alive, va, strict=True):
                labor, tax, dep, surplus = _split_va(v, rng.random(), rng.random(), rng.random())
                listed = f.listed_from is not None and f.listed_from <= y
                leading = f.leading_from is not None and f.leading_from <= y
                rows.append(
                    (
                        self.ey_id,
                        self.ent_base + f.idx,
                        y,
                        M(rev[f.idx]),
                        M(labor),
                        M(tax),
                        M(dep),
                        M(surplus),
                        M(out[f.idx]),
                        emp[f.idx],
                        M(exports[f.idx]),
                        f.idx in above,
                        listed,
                        leading,
                    )
                )
                self.ey_id += 1
        self.writer.write(EnterpriseYear, YEAR_COLUMNS, rows)
        self.count("enterprise_years", len(rows))

    # ----------------------------------------------------------------------------------------- tail

    def tail_means(self, n_tail: int) -> dict[int, float]:
        """Mean tail revenue per year (cents) so that the tail is ~12% of output when it is large."""
        pmf = _tail_found_pmf()
        means = {}
        for y in YEARS:
            weight = sum(
                p * (1 - TAIL_EXIT_HAZARD) ** max(0, y - f) * _ramp(y - f) for f, p in pmf.items() if f <= y
            )
            expected_alive = max(n_tail * weight, 1.0)
            cap = 180_00 * 1.06 ** (y - FIRST_YEAR)
            means[y] = min(cap, TAIL_OUTPUT_SHARE * self.targets[y].total_output / expected_alive)
        return means

    def write_tail(self) -> dict[int, dict[str, int]]:
        n_tail = self.params.enterprises - POOL_SIZE
        sums = {y: {"out_west": 0, "out_rest": 0, "va": 0} for y in YEARS}
        means = self.tail_means(n_tail)
        t0 = time.monotonic()
        report_every = max(1, (n_tail // CHUNK) // 20)
        for c, start in enumerate(range(0, n_tail, CHUNK)):
            ents, years = self.tail_chunk(c, start, min(n_tail, start + CHUNK), means, sums)
            self.writer.write(Enterprise, ENTERPRISE_COLUMNS, ents)
            self.writer.write(EnterpriseYear, YEAR_COLUMNS, years)
            self.count("enterprises", len(ents))
            self.count("enterprise_years", len(years))
            if n_tail > 5 * CHUNK and (c % report_every == 0 or start + CHUNK >= n_tail):
                done = min(n_tail, start + CHUNK)
                rate = sum(self.rows.values()) / max(time.monotonic() - t0, 1e-9)
                written = sum(self.rows.values())
                total = self.params.enterprises
                self.say(f"企业 {done + POOL_SIZE}/{total}，已写入{written}行（{rate:,.0f}行/秒）")
        return sums

    def tail_chunk(
        self, chunk: int, start: int, stop: int, means: dict[int, float], sums: dict[int, dict[str, int]]
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rng = random.Random(f"{self.seed}:tail:{chunk}")
        M = self.writer.money
        random_, gauss, exp = rng.random, rng.gauss, math.exp
        found_picker = _Picker(list(_tail_found_pmf()), list(_tail_found_pmf().values()))
        district_picker = _Picker(list(_TAIL_DISTRICTS), list(_TAIL_DISTRICTS.values()))
        log_survive = math.log(1 - TAIL_EXIT_HAZARD)
        persistence, innovation = TAIL_PERSISTENCE, math.sqrt(1 - TAIL_PERSISTENCE**2)
        shift = TAIL_NOISE**2 / 2
        ents: list[tuple[Any, ...]] = []
        years: list[tuple[Any, ...]] = []
        ey_id = self.ey_id
        for j in range(start, stop):
            idx = POOL_SIZE + j
            founded = found_picker.pick(random_())
            exit_year = founded + 1 + int(math.log(1.0 - random_()) / log_survive)
            district = district_picker.pick(random_())
            west = district in self.western
            cat = (self.digital_picker if random_() < 0.28 else self.other_picker).pick(random_())
            if exit_year <= LAST_YEAR:
                u = random_()
                status = "deregistered" if u < 0.7 else "revoked" if u < 0.9 else "moved_out"
            else:
                status = "active"
            platform = self.platform_for(district, random_(), 0.04, rng)
            ents.append(self.firm_row(idx, district, cat, founded, status, platform, rng, large=False))
            key = "out_west" if west else "out_rest"
            eff = exp(0.9 * gauss(0, 1) - 0.405) * (0.6 if west else 1.0)  # smaller firms in the west
            # Staffing intensity is the firm's own and lasts; drawing it anew each year made the
            # head count of a small firm jump by half or more every other year.
            staff = exp(0.3 * gauss(0, 1) - 0.045) / 4000
            enterprise_id = self.ent_base + idx
            exporter = random_() < 0.02
            z, employees = gauss(0, 1), 0
            for y in range(max(founded, FIRST_YEAR), min(exit_year, LAST_YEAR + 1)):
                age = y - founded
                # exp(σz - σ²/2) has mean 1, so the tail's expected revenue is unchanged.
                ramp = RAMP_START + RAMP_STEP * age
                rev = int(means[y] * eff * (ramp if ramp < 1.0 else 1.0) * exp(TAIL_NOISE * z - shift))
                z = persistence * z + innovation * gauss(0, 1)
                rev = 50 if rev < 50 else TAIL_CAP if rev > TAIL_CAP else rev
                out = int(rev * (0.92 + 0.2 * random_()))
                va = int(out * (0.24 + 0.1 * random_()))
                labor = int(va * (0.42 + 0.16 * random_()))
                tax = int(va * (0.06 + 0.07 * random_()))
                dep = int(va * (0.07 + 0.08 * random_()))
                s = sums[y]
                s[key] += out
                s["va"] += va
                wanted = 1 + rev * staff
                if not employees or abs(wanted - employees) >= HEADCOUNT_SLACK:
                    employees = int(wanted)
                exports = int(rev * 0.1 * random_()) if exporter else 0
                years.append(
                    (
                        ey_id,
                        enterprise_id,
                        y,
                        M(rev),
                        M(labor),
                        M(tax),
                        M(dep),
                        M(va - labor - tax - dep),
                        M(out),
                        employees,
                        M(exports),
                        False,
                        False,
                        False,
                    )
                )
                ey_id += 1
        self.ey_id = ey_id
        return ents, years


def _id_number(area: str, birth: date, seq: int) -> str:
    """A synthetic 18-digit resident ID number with a valid GB 11643 check digit."""
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch) * w for ch, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
