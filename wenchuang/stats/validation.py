"""Running the validation rules (rules.py) over the enterprise-years of some years, set-based: each
rule becomes one query whose WHERE clause is the rule's negation; the violations found replace the
previous ones for those years (idempotent)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Expression, F, FloatField, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from wenchuang.registry.models import EnterpriseYear
from wenchuang.stats import rules
from wenchuang.stats.models import ValidationRule, ValidationViolation

_COMPONENTS = ("labor_compensation", "net_production_tax", "depreciation", "operating_surplus")
_LIMIT = Decimal("1e17")


def _field_expr(name: str) -> Expression:
    if name == "value_added":
        # Income approach; NULL unless all four components are present (SQL NULL propagation).
        total: Any = Cast(F(_COMPONENTS[0]), FloatField())
        for c in _COMPONENTS[1:]:
            total = total + Cast(F(c), FloatField())
        return total
    return Cast(F(name), FloatField())


def _compile(node: rules.Node) -> Any:
    if isinstance(node, rules.Num):
        return Value(float(node.value), output_field=FloatField())
    if isinstance(node, rules.Field):
        return F(node.alias)
    if isinstance(node, rules.Neg):
        return Value(0.0, output_field=FloatField()) - _compile(node.operand)
    if isinstance(node, rules.Abs):
        return Func(_compile(node.operand), function="ABS", output_field=FloatField())
    left, right = _compile(node.left), _compile(node.right)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    # Division by zero is a missing value, not an error (PostgreSQL would raise).
    return left / NullIf(right, Value(0.0, output_field=FloatField()))


def _base_queryset(years: list[int], used: set[rules.Field]) -> Any:
    qs = EnterpriseYear.objects.filter(year__in=years)
    annotations: dict[str, Any] = {}
    for f in used:
        if f.prev:
            prev = EnterpriseYear.objects.filter(
                enterprise_id=OuterRef("enterprise_id"), year=OuterRef("year") - 1
            )
            annotations[f.alias] = Subquery(prev.annotate(_v=_field_expr(f.name)).values("_v")[:1])
        elif f.name == "value_added":
            annotations[f.alias] = _field_expr(f.name)
    return qs.annotate(**annotations) if annotations else qs


def _violating(rule: ValidationRule, years: list[int]) -> Any:
    left, right = rules.check_rule(rule.left, rule.operator, rule.right)
    qs = _base_queryset(years, rules.fields(left) | rules.fields(right))
    qs = qs.annotate(_left=_compile(left), _right=_compile(right))
    op = rule.operator
    if op == "requires":
        cond = Q(_left__isnull=False, _right__isnull=True)
    elif op == "compulsory_pair":
        cond = Q(_left__isnull=False, _right__isnull=True) | Q(_left__isnull=True, _right__isnull=False)
    elif op == "exclusive_pair":
        cond = Q(_left__isnull=False, _right__isnull=False)
    else:
        holds = {
            "<": Q(_left__lt=F("_right")),
            "<=": Q(_left__lte=F("_right")),
            ">": Q(_left__gt=F("_right")),
            ">=": Q(_left__gte=F("_right")),
            "==": Q(_left=F("_right")),
            "!=": ~Q(_left=F("_right")),
        }[op]
        cond = Q(_left__isnull=False, _right__isnull=False) & ~holds
    return qs.filter(cond).values("id", "enterprise_id", "enterprise__district_id", "year", "_left", "_right")


def _dec(x: float | None) -> Decimal | None:
    if x is None:
        return None
    d = Decimal(str(x)).quantize(Decimal("0.000001"))
    return max(min(d, _LIMIT), -_LIMIT)


def run(*, years: Iterable[int] | None = None) -> dict[str, Any]:
    if years is not None:
        target = sorted(set(years))
    else:
        target = sorted(EnterpriseYear.objects.order_by().values_list("year", flat=True).distinct())
    now = timezone.now()
    by_rule: dict[str, int] = {}
    with transaction.atomic():
        ValidationViolation.objects.filter(year__in=target).delete()
        for rule in ValidationRule.objects.filter(is_active=True).order_by("code"):
            if not target:
                break
            found = [
                ValidationViolation(
                    rule=rule,
                    enterprise_year_id=row["id"],
                    enterprise_id=row["enterprise_id"],
                    district_id=row["enterprise__district_id"],
                    year=row["year"],
                    left_value=_dec(row["_left"]),
                    right_value=_dec(row["_right"]),
                    found_at=now,
                )
                for row in _violating(rule, target).iterator(chunk_size=2000)
            ]
            ValidationViolation.objects.bulk_create(found, batch_size=1000)
            by_rule[rule.code] = len(found)
    return {"years": target, "by_rule": by_rule, "total": sum(by_rule.values())}
