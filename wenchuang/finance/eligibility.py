"""Eligibility of enterprises for finance products, on the shared rule engine (wenchuang.rules).

A product's rule is a JsonLogic rule over the engine's facts (registered by every app: district,
culture_major, founded_on, revenue, employees, tax_credit, … and this app's credit_score and
credit_grade), e.g. {"and": [{">=": [{"var": "credit_score"}, 600]}, {"<=": [{"var": "founded_on"},
{"years_ago": 2}]}]}. Its target industries (大类) are one more condition. For one enterprise every
condition is explained (✓ / ✗ / 缺数据) with what it would take to qualify; for a product, the
qualifying enterprises are selected by one SQL condition (rules.compile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from wenchuang.registry.models import Enterprise
from wenchuang.rules import logic
from wenchuang.rules.compile import matching_ids
from wenchuang.rules.facts import FactContext, format_value, get_fact, load_facts
from wenchuang.rules.params import param_values


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[str]  # one line per condition: "信用评分 640分 ≥ 600分 ✓"
    hints: list[str]  # what it would take to qualify


def product_rule(eligibility: dict[str, Any] | None, target_majors: Sequence[str]) -> dict[str, Any] | None:
    """The product's whole rule: its eligibility and its target industries; None = open to all."""
    parts = [eligibility] if eligibility else []
    if target_majors:
        parts.append({"in": [{"var": "culture_major"}, list(target_majors)]})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"and": parts}


def check(rule: dict[str, Any] | None, *, on: date) -> None:
    """Raise rules.logic.RuleError (Chinese messages) for a rule the engine cannot use."""
    if rule:
        logic.check_rule(rule, param_values(on=on))


def rule_text(rule: dict[str, Any] | None) -> list[str]:
    """The conditions of a rule in words, for the product list: "信用评分 ≥ 600"."""
    if not rule:
        return []
    out = []
    for leaf in logic.leaves(logic.parse(rule)):
        fact = get_fact(leaf.fact)
        values = []
        for o in leaf.operands:
            if o.kind == "literal":
                values.append(format_value(o.value, fact.type, fact.unit))
            elif o.kind == "years_ago":
                values.append(f"{o.value}年前")
            elif o.kind == "days_ago":
                values.append(f"{o.value}天前")
            else:
                values.append(f"参数“{o.value}”")
        op = "介于" if leaf.op == "between" else logic.OP_TEXT.get(leaf.op, leaf.op)
        out.append(f"{fact.label} {op} {'、'.join(values)}")
    return out


def explain_many(
    enterprise: Enterprise, rules: Iterable[dict[str, Any] | None], *, on: date
) -> list[Eligibility]:
    """Every rule explained for one enterprise: its facts read in one query, the parameters in another."""
    rules = list(rules)
    keys = sorted({k for r in rules if r for k in logic.facts_used(r)})
    ctx = FactContext(as_of=on)
    facts = (
        load_facts(Enterprise.objects.filter(pk=enterprise.pk), keys, ctx).get(enterprise.pk, {})
        if keys
        else {}
    )
    params = param_values(on=on)
    out = []
    for rule in rules:
        if not rule:
            out.append(Eligibility(True, ["无准入条件"], []))
            continue
        e = logic.explain(rule, facts, params, on)
        out.append(Eligibility(e.qualifies, [c.text for c in e.conditions], e.hints()))
    return out


def qualifying_enterprises(
    rule: dict[str, Any] | None, *, on: date, qs: QuerySet[Enterprise] | None = None
) -> Any:
    """The ids of the enterprises a product's rule selects (one SQL condition)."""
    if not rule:
        return (qs if qs is not None else Enterprise.objects.all()).values_list("pk", flat=True)
    return matching_ids(rule, FactContext(as_of=on), param_values(on=on), qs=qs)
