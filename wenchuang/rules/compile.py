"""Compiling a rule to one SQL condition over all enterprises.

Negations are pushed down to the conditions (negation normal form) and each negated condition becomes
its complement among *known* values ("not revenue ≥ 5000" → "revenue < 5000", which a missing revenue
fails). Above the conditions there are only AND and OR, which SQL evaluates in the same three-valued
logic as `logic.explain`, and a row is selected only when the whole condition is TRUE — so both
evaluators select exactly the same enterprises (tests/test_equivalence.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from wenchuang.rules.facts import FactContext, annotate_facts, get_fact
from wenchuang.rules.logic import NEGATED, Leaf, Node, check_rule, parse, resolve


@dataclass(frozen=True)
class CompiledRule:
    q: Q
    facts: tuple[str, ...]
    ctx: FactContext

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        """`qs` (Enterprise rows) restricted to the enterprises the rule selects."""
        return annotate_facts(qs, self.facts, self.ctx).filter(self.q)


def compile_rule(rule: Any, ctx: FactContext, params: Mapping[str, Any]) -> CompiledRule:
    check_rule(rule, params)
    tree = parse(rule)
    facts: list[str] = []
    q = _compile(tree, ctx.as_of, params, negated=False, facts=facts)
    return CompiledRule(q=q, facts=tuple(dict.fromkeys(facts)), ctx=ctx)


def matching_ids(
    rule: Any, ctx: FactContext, params: Mapping[str, Any], qs: QuerySet[Any] | None = None
) -> set[int]:
    from wenchuang.registry.models import Enterprise

    base = qs if qs is not None else Enterprise.objects.all()
    return set(compile_rule(rule, ctx, params).apply(base).values_list("pk", flat=True))


def _compile(
    tree: Node | Leaf, as_of: date, params: Mapping[str, Any], *, negated: bool, facts: list[str]
) -> Q:
    if isinstance(tree, Leaf):
        facts.append(tree.fact)
        return _leaf(tree, as_of, params, negated=negated)
    if tree.op == "!":
        return _compile(tree.children[0], as_of, params, negated=not negated, facts=facts)
    parts = [_compile(c, as_of, params, negated=negated, facts=facts) for c in tree.children]
    conjunctive = (tree.op == "and") != negated  # De Morgan
    q = parts[0]
    for part in parts[1:]:
        q = (q & part) if conjunctive else (q | part)
    return q


def _leaf(leaf: Leaf, as_of: date, params: Mapping[str, Any], *, negated: bool) -> Q:
    fact = get_fact(leaf.fact)
    name = fact.annotation
    known = Q(**{f"{name}__isnull": False})
    values = [resolve(fact, o, params, as_of) for o in leaf.operands]
    if leaf.op == "between":
        lo, hi = values
        lo_op, hi_op = ("gt", "lt") if leaf.strict else ("gte", "lte")
        if not negated:
            return Q(**{f"{name}__{lo_op}": lo, f"{name}__{hi_op}": hi})
        lo_neg, hi_neg = ("lte", "gte") if leaf.strict else ("lt", "gt")
        return Q(**{f"{name}__{lo_neg}": lo}) | Q(**{f"{name}__{hi_neg}": hi})
    if leaf.op == "in":
        return known & ~Q(**{f"{name}__in": values}) if negated else Q(**{f"{name}__in": values})
    op = NEGATED[leaf.op] if negated else leaf.op
    v = values[0]
    if op == "==":
        return Q(**{f"{name}__exact": v})
    if op == "!=":
        return known & ~Q(**{f"{name}__exact": v})
    lookup = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}[op]
    return Q(**{f"{name}__{lookup}": v})
