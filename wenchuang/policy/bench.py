"""Policy-matching benchmark: `wenchuang bench policy --enterprises N --policies M [--json]`.

N generated enterprises (registry facts, one enterprise-year, tax grades, a few export key
enterprises) and M generated policy rules over them. Three contenders select the qualifying
enterprises of every rule:

- compiled: the rule engine's one SQL condition (`rules.compile`), through the ORM;
- hand SQL: the same conditions written as plain SQL with the joins a person would write
  (an independent writer below, no ORM), the floor — goal: compiled ≤ 1.5× of it;
- per-firm: every enterprise's facts read once (one query) and the per-firm evaluator looped in
  Python (`rules.logic.prepare`) — goal: compiled ≥ 50× faster.

All three must select the same enterprises for every rule; the run fails otherwise. Rows are marked
示例 and carry their own USCC prefix; run against a scratch database.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from wenchuang.classify.models import CultureCategory
from wenchuang.core.uscc import make_valid
from wenchuang.ingest.models import ImportBatch, TaxYear
from wenchuang.registry.models import District, Enterprise, EnterpriseYear, ExportItem, Platform
from wenchuang.rules.compile import compile_rule
from wenchuang.rules.facts import FactContext, load_facts
from wenchuang.rules.logic import NEGATED, Leaf, Node, Tri, explain, parse, prepare, resolve
from wenchuang.rules.params import ParamValue

PREFIX = "91330199PB"
AS_OF = date(2025, 6, 30)
YEAR = AS_OF.year - 1
PARAMS = {
    "bench_revenue": ParamValue(
        key="bench_revenue", label="基准营收门槛", value=Decimal("2000"), unit="万元"
    ),
    "bench_exports": ParamValue(key="bench_exports", label="基准出口门槛", value=Decimal("300"), unit="万元"),
}


# --- data ---------------------------------------------------------------------------------------------


def clear() -> None:
    e = Enterprise._meta.db_table
    with transaction.atomic(), connection.cursor() as c:
        sub = f"SELECT id FROM {e} WHERE uscc LIKE %s"  # noqa: S608
        for model in (TaxYear, EnterpriseYear, ExportItem):
            c.execute(f"DELETE FROM {model._meta.db_table} WHERE enterprise_id IN ({sub})", [PREFIX + "%"])  # noqa: S608
        c.execute(f"DELETE FROM {e} WHERE uscc LIKE %s", [PREFIX + "%"])  # noqa: S608
        c.execute(f"DELETE FROM {Platform._meta.db_table} WHERE name LIKE %s", ["示例·政策基准园区%"])  # noqa: S608


def generate(n: int, seed: int = 13) -> None:
    rnd = random.Random(seed)
    districts = list(District.objects.exclude(code="330100").values_list("pk", flat=True))
    minors = list(CultureCategory.objects.filter(level=3).values_list("pk", flat=True))
    platforms = Platform.objects.bulk_create(
        [
            Platform(name=f"示例·政策基准园区{i}", level=level, is_demo=True)
            for i, level in enumerate(["national", "provincial", "municipal", "none"] * 5)
        ]
    )
    batch = ImportBatch.objects.create(kind="tax", file_name="policy-bench.csv", sha256="0" * 64)
    chunk = 5000
    with transaction.atomic():
        for start in range(0, n, chunk):
            firms = [
                Enterprise(
                    uscc=make_valid(f"{PREFIX}{i:07d}"),
                    name=f"示例·政策基准企业{i}",
                    district_id=rnd.choice(districts),
                    culture_category_id=rnd.choice(minors) if rnd.random() < 0.9 else None,
                    platform=rnd.choice(platforms) if rnd.random() < 0.3 else None,
                    founded_on=date(2000, 1, 1) + timedelta(days=rnd.randrange(9000))
                    if rnd.random() < 0.95
                    else None,
                    is_demo=True,
                )
                for i in range(start, min(n, start + chunk))
            ]
            firms = Enterprise.objects.bulk_create(firms)
            years, taxes, exports = [], [], []
            for f in firms:
                if rnd.random() < 0.85:
                    revenue = Decimal(rnd.randrange(0, 2_000_000)) / 100 if rnd.random() < 0.95 else None
                    years.append(
                        EnterpriseYear(
                            enterprise=f,
                            year=YEAR,
                            revenue=revenue,
                            exports=Decimal(rnd.randrange(0, 100_000)) / 100 if rnd.random() < 0.5 else None,
                            employees=rnd.randrange(1, 800) if rnd.random() < 0.9 else None,
                            is_above_scale=revenue is not None and revenue >= 2000,
                            is_listed=rnd.random() < 0.02,
                            is_leading=rnd.random() < 0.02,
                        )
                    )
                if rnd.random() < 0.7:
                    taxes.append(
                        TaxYear(enterprise=f, year=YEAR, credit_grade=rnd.choice("AABBMCD "), batch=batch)
                    )
                if rnd.random() < 0.01:
                    exports.append(
                        ExportItem(
                            kind=ExportItem.Kind.KEY_ENTERPRISE,
                            name=f"示例·政策基准出口{f.pk}",
                            enterprise=f,
                            recognized_year=rnd.choice([2019, 2021, 2025]),
                            is_demo=True,
                        )
                    )
            EnterpriseYear.objects.bulk_create(years)
            for t in taxes:  # a blank grade: imported without one (缺数据)
                t.credit_grade = t.credit_grade.strip()
            TaxYear.objects.bulk_create(taxes)
            ExportItem.objects.bulk_create(exports)
    with connection.cursor() as c:
        c.execute("ANALYZE")


# --- rules --------------------------------------------------------------------------------------------


def random_rule(rnd: random.Random) -> dict[str, Any]:
    """A policy-shaped rule: 2–4 conditions, sometimes an alternative group and a negation."""
    majors = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]

    def leaf() -> dict[str, Any]:
        kind = rnd.randrange(9)
        if kind == 0:
            return {
                ">=": [
                    {"var": "revenue"},
                    rnd.choice([{"param": "bench_revenue"}, rnd.choice([500, 5000, 10000])]),
                ]
            }
        if kind == 1:
            return {"==": [{"var": "above_scale"}, True]}
        if kind == 2:
            return {"in": [{"var": "culture_major"}, rnd.sample(majors, rnd.randint(1, 3))]}
        if kind == 3:
            return {"in": [{"var": "tax_credit"}, ["A", "B", "M"][: rnd.randint(1, 3)]]}
        if kind == 4:
            return {"<=": [{"var": "founded_on"}, {"years_ago": rnd.randint(1, 10)}]}
        if kind == 5:
            return {"in": [{"var": "park_level"}, ["national", "provincial"]]}
        if kind == 6:
            lo = rnd.choice([10, 50, 100])
            return {"<=": [lo, {"var": "employees"}, lo * 5]}
        if kind == 7:
            return {"==": [{"var": "digital_culture"}, rnd.random() < 0.7]}
        return {">=": [{"var": "exports"}, {"param": "bench_exports"}]}

    parts: list[dict[str, Any]] = [leaf() for _ in range(rnd.randint(2, 3))]
    if rnd.random() < 0.5:
        parts.append({"or": [leaf(), {"==": [{"var": "listed"}, True]}]})
    if rnd.random() < 0.4:
        parts.append({"!": {"==": [{"var": "tax_credit"}, "D"]}})
    return {"and": parts}


# --- the hand-written SQL (independent of the ORM and of rules.compile) --------------------------------

_COLUMNS = {
    "district": ("d", "d.code"),
    "culture_major": ("c", "NULLIF(SUBSTR(c.code, 1, 2), '')"),
    "culture_minor": ("c", "c.code"),
    "digital_culture": ("c", "c.is_new_form"),
    "founded_on": ("", "e.founded_on"),
    "park_level": ("p", "COALESCE(p.level, 'none')"),
    "revenue": ("y", "y.revenue"),
    "exports": ("y", "y.exports"),
    "employees": ("y", "y.employees"),
    "above_scale": ("y", "y.is_above_scale"),
    "listed": ("y", "y.is_listed"),
    "leading": ("y", "y.is_leading"),
    "tax_credit": ("t", "NULLIF(t.credit_grade, '')"),
    "key_exporter": ("", "EXISTS_EXPORTER"),
}
_JOINS = {
    "d": "JOIN registry_district d ON d.id = e.district_id",
    "c": "LEFT JOIN classify_culturecategory c ON c.id = e.culture_category_id",
    "p": "LEFT JOIN registry_platform p ON p.id = e.platform_id",
    "y": "LEFT JOIN registry_enterpriseyear y ON y.enterprise_id = e.id AND y.year = %s",
    "t": "LEFT JOIN ingest_taxyear t ON t.enterprise_id = e.id AND t.year = %s",
}
_SQL_OP = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def hand_sql(rule: Any, as_of: date, params: dict[str, ParamValue]) -> tuple[str, list[Any]]:
    year = as_of.year - 1
    joins: list[str] = []
    args: list[Any] = []

    def col(fact: str) -> str:
        alias, expr = _COLUMNS[fact]
        if alias and alias not in joins:
            joins.append(alias)
        if expr == "EXISTS_EXPORTER":
            args.extend([year, year])  # a boolean fact: used once per condition (== / !=)
            return (
                "(EXISTS (SELECT 1 FROM registry_exportitem x WHERE x.enterprise_id = e.id "
                "AND x.kind = 'key_enterprise' AND x.recognized_year <= %s "
                "AND (x.revoked_year IS NULL OR x.revoked_year > %s)))"
            )
        return expr

    def cond(tree: Node | Leaf, neg: bool) -> str:
        if isinstance(tree, Node):
            if tree.op == "!":
                return cond(tree.children[0], not neg)
            glue = " AND " if (tree.op == "and") != neg else " OR "
            return "(" + glue.join(cond(c, neg) for c in tree.children) + ")"
        from wenchuang.rules.facts import get_fact

        fact = get_fact(tree.fact)
        values = [resolve(fact, o, params, as_of) for o in tree.operands]
        c = col(tree.fact)
        if tree.op == "between":
            lo, hi = values
            args.extend([lo, hi])
            if tree.strict:
                return f"({c} <= %s OR {c} >= %s)" if neg else f"({c} > %s AND {c} < %s)"
            return f"({c} < %s OR {c} > %s)" if neg else f"({c} >= %s AND {c} <= %s)"
        if tree.op == "in":
            args.extend(values)
            marks = ", ".join(["%s"] * len(values))
            return f"({c} IS NOT NULL AND {c} NOT IN ({marks}))" if neg else f"{c} IN ({marks})"
        op = NEGATED[tree.op] if neg else tree.op
        args.append(values[0])
        return f"{c} {_SQL_OP[op]} %s"

    where = cond(parse(rule), False)
    join_sql, join_args = [], []
    for alias in ("d", "c", "p", "y", "t"):
        if alias in joins:
            join_sql.append(_JOINS[alias])
            if alias in ("y", "t"):
                join_args.append(year)
    sql = f"SELECT e.id FROM registry_enterprise e {' '.join(join_sql)} WHERE {where}"  # noqa: S608
    return sql, join_args + args


# --- the run ------------------------------------------------------------------------------------------


def run(*, enterprises: int, policies: int, seed: int = 13, reuse: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    if not reuse:
        clear()
        generate(enterprises, seed)
    generate_s = time.perf_counter() - t0
    base = Enterprise.objects.filter(uscc__startswith=PREFIX)
    n = base.count()
    rnd = random.Random(seed + 1)
    rules = [random_rule(rnd) for _ in range(policies)]
    ctx = FactContext(as_of=AS_OF)

    def compiled_all() -> list[set[int]]:
        return [set(compile_rule(r, ctx, PARAMS).apply(base).values_list("pk", flat=True)) for r in rules]

    def hand_all() -> list[set[int]]:
        out = []
        with connection.cursor() as c:
            for r in rules:
                sql, args = hand_sql(r, AS_OF, PARAMS)
                c.execute(sql + " AND e.uscc LIKE %s", [*args, PREFIX + "%"])
                out.append({row[0] for row in c.fetchall()})
        return out

    def per_firm_all() -> list[set[int]]:
        """The per-firm evaluator as the 一企一档 page uses it: every condition explained."""
        facts = load_facts(base, None, ctx)
        return [{pk for pk, f in facts.items() if explain(r, f, PARAMS, AS_OF).qualifies} for r in rules]

    def per_firm_verdict_all() -> list[set[int]]:
        """Only the verdict, the rule prepared once (`logic.prepare`): the fastest Python loop."""
        facts = load_facts(base, None, ctx)
        out = []
        for r in rules:
            fn = prepare(r, PARAMS, AS_OF)
            out.append({pk for pk, f in facts.items() if fn(f) is Tri.TRUE})
        return out

    hand_all()  # warm the caches for both SQL sides alike
    timings: dict[str, list[float]] = {"compiled": [], "hand_sql": []}
    results: dict[str, list[set[int]]] = {}
    for _ in range(3):  # interleaved: both see the same machine state; the best of three
        for name, fn in (("compiled", compiled_all), ("hand_sql", hand_all)):
            t = time.perf_counter()
            results[name] = fn()
            timings[name].append(time.perf_counter() - t)
    t = time.perf_counter()
    results["per_firm"] = per_firm_all()
    per_firm_s = time.perf_counter() - t
    t = time.perf_counter()
    results["per_firm_verdict"] = per_firm_verdict_all()
    verdict_s = time.perf_counter() - t
    same = results["compiled"] == results["hand_sql"] == results["per_firm"] == results["per_firm_verdict"]
    compiled_s, hand_s = min(timings["compiled"]), min(timings["hand_sql"])
    return {
        "database": connection.vendor,
        "enterprises": n,
        "policies": policies,
        "generate_s": round(generate_s, 2),
        "compiled_s": round(compiled_s, 4),
        "hand_sql_s": round(hand_s, 4),
        "per_firm_s": round(per_firm_s, 4),
        "compiled_vs_hand_sql": round(compiled_s / hand_s, 3) if hand_s else None,
        "per_firm_vs_compiled": round(per_firm_s / compiled_s, 1) if compiled_s else None,
        "per_firm_verdict_only_s": round(verdict_s, 4),
        "per_firm_verdict_only_vs_compiled": round(verdict_s / compiled_s, 1) if compiled_s else None,
        "goal_compiled_le_1_5x_hand_sql": compiled_s <= 1.5 * hand_s,
        "goal_compiled_ge_50x_per_firm": per_firm_s >= 50 * compiled_s,
        "selected_total": sum(len(s) for s in results["compiled"]),
        "same_selection": same,
    }
