"""Rules as data: a restricted JsonLogic subset, validated and evaluated for one enterprise with an
explanation of every condition. Pure: no database (facts and parameters are passed in).

Why our own evaluator and not a JsonLogic library for the per-firm side: JsonLogic treats a missing
variable as null and `{"!": {">=": [null, 5000]}}` as true, so a firm with no data would "qualify";
we need three-valued logic (缺数据) and each condition's value and threshold for the explanation.
panzi-json-logic serves as an independent oracle in the property tests on complete facts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from wenchuang.core.errors import DomainError
from wenchuang.rules.facts import Fact, FactType, format_value, get_fact, has_fact

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
OP_TEXT = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "属于", "not in": "不属于"}
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
NEGATED_TEXT = {
    **NEGATED,
    "in": "not in",
    "介于": "不介于",
    "介于（不含端点）": "不介于（不含端点）",
}


class Tri(enum.Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @property
    def mark(self) -> str:
        return {"true": "✓", "false": "✗", "unknown": "缺数据"}[self.value]

    def negate(self) -> Tri:
        return {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}[self]


class RuleError(DomainError):
    code = "invalid_rule"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors))


# --- parsing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    """The right-hand side of a condition."""

    kind: str  # "literal" | "param" | "years_ago" | "days_ago"
    value: Any


@dataclass(frozen=True)
class Leaf:
    fact: str
    op: str  # one of COMPARISONS, "in", "between"
    operands: tuple[Operand, ...]  # 1 for comparisons; 2 for between (low, high); list literal for in
    strict: bool = False  # between with "<"


@dataclass(frozen=True)
class Node:
    op: str  # "and" | "or" | "!"
    children: tuple[Any, ...]


def parse(rule: Any) -> Node | Leaf:
    """The rule's tree; raises RuleError (Chinese) on anything outside the subset."""
    if not isinstance(rule, dict) or len(rule) != 1:
        raise RuleError(["规则的每个节点必须是只含一个运算符的对象"])
    ((op, args),) = rule.items()
    if op in ("and", "or"):
        if not isinstance(args, list) or not args:
            raise RuleError([f"“{op}”需要至少一个条件"])
        return Node(op, tuple(parse(a) for a in args))
    if op == "!":
        inner = args[0] if isinstance(args, list) and len(args) == 1 else args
        return Node("!", (parse(inner),))
    if not isinstance(args, list):
        raise RuleError([f"运算符“{op}”的参数必须是列表"])
    if op in ("<", "<=") and len(args) == 3:
        fact = _var(args[1])
        return Leaf(fact, "between", (_operand(args[0]), _operand(args[2])), strict=op == "<")
    if op in COMPARISONS:
        if len(args) != 2:
            raise RuleError([f"比较“{op}”需要两个参数"])
        return Leaf(_var(args[0]), op, (_operand(args[1]),))
    if op == "in":
        if len(args) != 2 or not isinstance(args[1], list) or not args[1]:
            raise RuleError(["“属于”需要一个事实和一个非空列表"])
        return Leaf(_var(args[0]), "in", tuple(_operand(v) for v in args[1]))
    raise RuleError([f"不支持的运算符“{op}”"])


def _var(x: Any) -> str:
    if isinstance(x, dict) and set(x) == {"var"} and isinstance(x["var"], str):
        return x["var"]
    raise RuleError(['条件的左边必须是一个事实（{"var": …}）'])


def _operand(x: Any) -> Operand:
    if isinstance(x, dict):
        if set(x) == {"param"} and isinstance(x["param"], str):
            return Operand("param", x["param"])
        if len(x) == 1 and next(iter(x)) in ("years_ago", "days_ago"):
            ((kind, n),) = x.items()
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise RuleError(["日期运算的年数、天数必须是非负整数"])
            return Operand(kind, n)
        raise RuleError(["条件的右边只能是数值、文字、是/否、参数或日期运算"])
    if isinstance(x, list):
        raise RuleError(["列表只能用于“属于”"])
    if x is None:
        raise RuleError(["条件的右边不能为空"])
    return Operand("literal", x)


def leaves(tree: Node | Leaf) -> list[Leaf]:
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for child in tree.children for leaf in leaves(child)]


def facts_used(rule: Any) -> list[str]:
    return list(dict.fromkeys(leaf.fact for leaf in leaves(parse(rule))))


def params_used(rule: Any) -> list[str]:
    return list(
        dict.fromkeys(o.value for leaf in leaves(parse(rule)) for o in leaf.operands if o.kind == "param")
    )


# --- validation ---------------------------------------------------------------------------------------


def validate_rule(rule: Any, params: Mapping[str, Any] | None = None) -> list[str]:
    """Chinese messages for everything wrong with `rule`; [] when it is valid.

    `params` (key -> ParamValue) checks that parameters exist and their unit matches the fact's."""
    try:
        tree = parse(rule)
    except RuleError as exc:
        return exc.errors
    errors: list[str] = []
    for leaf in leaves(tree):
        if not has_fact(leaf.fact):
            errors.append(f"未知的事实“{leaf.fact}”")
            continue
        fact = get_fact(leaf.fact)
        errors.extend(_leaf_errors(fact, leaf, params))
    return list(dict.fromkeys(errors))


def check_rule(rule: Any, params: Mapping[str, Any] | None = None) -> None:
    errors = validate_rule(rule, params)
    if errors:
        raise RuleError(errors)


def _leaf_errors(fact: Fact, leaf: Leaf, params: Mapping[str, Any] | None) -> list[str]:
    errors: list[str] = []
    t = fact.type
    if leaf.op in ("<", "<=", ">", ">=", "between") and t not in (FactType.NUMBER, FactType.DATE):
        errors.append(f"“{fact.label}”是{_type_label(t)}，不能比较大小")
    if leaf.op == "in" and t not in (FactType.TEXT, FactType.NUMBER):
        errors.append(f"“{fact.label}”是{_type_label(t)}，不能用“属于”")
    for o in leaf.operands:
        if o.kind == "param":
            if t is not FactType.NUMBER:
                errors.append(f"“{fact.label}”是{_type_label(t)}，不能与数值参数比较")
            elif params is not None:
                p = params.get(o.value)
                if p is None:
                    errors.append(f"未知的参数“{o.value}”（或在该日期没有有效取值）")
                elif (p.unit or "") != (fact.unit or ""):
                    errors.append(
                        f"单位不一致：“{fact.label}”以{fact.unit or '无单位'}计，"
                        f"参数“{p.label}”以{p.unit or '无单位'}计"
                    )
        elif o.kind in ("years_ago", "days_ago"):
            if t is not FactType.DATE:
                errors.append(f"“{fact.label}”不是日期，不能使用日期运算")
        else:
            errors.extend(_literal_errors(fact, o.value))
    return errors


def _literal_errors(fact: Fact, v: Any) -> list[str]:
    t = fact.type
    if t is FactType.NUMBER:
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            return [f"“{fact.label}”是数值，不能与“{v}”比较"]
        try:
            Decimal(str(v))
        except InvalidOperation:
            return [f"“{fact.label}”是数值，不能与文字“{v}”比较"]
        if isinstance(v, str):
            return [f"“{fact.label}”是数值，不能与文字“{v}”比较"]
        return []
    if t is FactType.BOOLEAN:
        return [] if isinstance(v, bool) else [f"“{fact.label}”是是/否，只能与“是”或“否”比较"]
    if t is FactType.DATE:
        if isinstance(v, str):
            try:
                date.fromisoformat(v)
                return []
            except ValueError:
                pass
        return [f"“{fact.label}”是日期，只能与日期（如2020-01-01）或“N年前”比较"]
    if not isinstance(v, str):
        return [f"“{fact.label}”是代码，只能与文字代码比较"]
    if fact.choices is not None:
        codes = _choice_labels(fact)  # empty without a database (pure use): not checked then
        if codes and v not in codes:
            return [f"“{v}”不是“{fact.label}”的有效取值"]
    return []


def _type_label(t: FactType) -> str:
    from wenchuang.rules.facts import TYPE_LABELS

    return TYPE_LABELS[t]


# --- resolving operands -------------------------------------------------------------------------------


def years_ago(as_of: date, n: int) -> date:
    try:
        return as_of.replace(year=as_of.year - n)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - n, day=28)


def resolve(fact: Fact, o: Operand, params: Mapping[str, Any], as_of: date) -> Any:
    """The operand's value, typed like the fact's values (Decimal, bool, str, date)."""
    if o.kind == "param":
        p = params.get(o.value)
        if p is None:
            raise RuleError([f"未知的参数“{o.value}”（或在{as_of.isoformat()}没有有效取值）"])
        return Decimal(str(p.value))
    if o.kind == "years_ago":
        return years_ago(as_of, o.value)
    if o.kind == "days_ago":
        from datetime import timedelta

        return as_of - timedelta(days=o.value)
    v = o.value
    if fact.type is FactType.NUMBER:
        return Decimal(str(v))
    if fact.type is FactType.DATE:
        return date.fromisoformat(v) if isinstance(v, str) else v
    return v


def describe_operand(fact: Fact, o: Operand, value: Any, params: Mapping[str, Any]) -> str:
    text = format_value(value, fact.type, fact.unit)
    if o.kind == "param":
        p = params[o.value]
        return f"{text}（{p.describe()}）"
    if o.kind == "years_ago":
        return f"{text}（{o.value}年前）"
    if o.kind == "days_ago":
        return f"{text}（{o.value}天前）"
    if fact.type is FactType.TEXT and fact.choices is not None:
        return _choice_label(fact, value)
    return text


_LABELS: dict[str, dict[Any, str]] = {}


def _choice_labels(fact: Fact) -> dict[Any, str]:
    """A coded fact's {code: name}, read once per process (reference data); {} without a database."""
    labels = _LABELS.get(fact.key)
    if labels is None:
        try:
            labels = dict(fact.choices()) if fact.choices else {}
        except Exception:  # no database at hand (pure use)
            labels = {}
        if labels:
            _LABELS[fact.key] = labels
    return labels


def _choice_label(fact: Fact, code: Any) -> str:
    """Numeric codes with their name ("330106 西湖区"); word codes by their name alone ("国家级")."""
    labels = _choice_labels(fact)
    if code not in labels:
        return str(code)
    return f"{code} {labels[code]}" if str(code).isdigit() else labels[code]


# --- explaining one enterprise ------------------------------------------------------------------------


@dataclass
class Condition:
    fact: str
    label: str
    op: str
    value: Any
    value_text: str
    threshold_text: str
    status: Tri
    negated: bool = False

    @property
    def text(self) -> str:
        op = OP_TEXT.get(self.op, self.op)
        return f"{self.label} {self.value_text} {op} {self.threshold_text} {self.status.mark}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "label": self.label,
            "op": self.op,
            "value": self.value_text,
            "threshold": self.threshold_text,
            "status": self.status.value,
            "mark": self.status.mark,
            "text": self.text,
        }


@dataclass
class Explanation:
    status: Tri
    conditions: list[Condition] = field(default_factory=list)
    tree: dict[str, Any] = field(default_factory=dict)

    @property
    def qualifies(self) -> bool:
        return self.status is Tri.TRUE

    def missing(self) -> list[str]:
        return list(dict.fromkeys(c.label for c in self.conditions if c.status is Tri.UNKNOWN))

    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if c.status is Tri.FALSE]

    def hints(self) -> list[str]:
        """What the enterprise could do to qualify: the unmet conditions and the data to supply."""
        if self.qualifies:
            return []
        out = [
            f"需满足：{c.label} {OP_TEXT.get(c.op, c.op)} {c.threshold_text}（当前{c.value_text}）"
            for c in self.failed()
        ]
        out += [f"请补充或更正：{label}（暂无数据）" for label in self.missing()]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "mark": self.status.mark,
            "conditions": [c.as_dict() for c in self.conditions],
            "hints": self.hints(),
        }


def explain(rule: Any, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date) -> Explanation:
    """Evaluate `rule` for one enterprise (facts: key -> value or None) with every condition explained."""
    tree = parse(rule)
    conditions: list[Condition] = []
    status, node = _explain(tree, facts, params, as_of, conditions, negated=False)
    return Explanation(status=status, conditions=conditions, tree=node)


def evaluate(rule: Any, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date) -> Tri:
    """The rule's value for one enterprise, without the explanation (see `prepare` for loops)."""
    return prepare(rule, params, as_of)(facts)


Evaluator = Callable[[Mapping[str, Any]], Tri]


def prepare(rule: Any, params: Mapping[str, Any], as_of: date) -> Evaluator:
    """The rule turned into a Python function of one enterprise's facts: parsed and its operands
    resolved once, so a loop over many enterprises pays only for the comparisons."""
    return _prepare(parse(rule), params, as_of)


def _prepare(tree: Node | Leaf, params: Mapping[str, Any], as_of: date) -> Evaluator:
    if isinstance(tree, Leaf):
        fact = get_fact(tree.fact)
        key = tree.fact
        this: Leaf = tree
        thresholds = [resolve(fact, o, params, as_of) for o in tree.operands]
        numeric = fact.type is FactType.NUMBER

        def leaf(facts: Mapping[str, Any]) -> Tri:
            v = facts.get(key)
            if v is None:
                return Tri.UNKNOWN
            if numeric and not isinstance(v, Decimal):
                v = Decimal(str(v))
            return Tri.TRUE if _holds(this, v, thresholds) else Tri.FALSE

        return leaf
    children = [_prepare(c, params, as_of) for c in tree.children]
    if tree.op == "!":
        (child,) = children
        return lambda facts: child(facts).negate()
    if tree.op == "and":

        def conj(facts: Mapping[str, Any]) -> Tri:
            result = Tri.TRUE
            for c in children:
                s = c(facts)
                if s is Tri.FALSE:
                    return Tri.FALSE
                if s is Tri.UNKNOWN:
                    result = Tri.UNKNOWN
            return result

        return conj

    def disj(facts: Mapping[str, Any]) -> Tri:
        result = Tri.FALSE
        for c in children:
            s = c(facts)
            if s is Tri.TRUE:
                return Tri.TRUE
            if s is Tri.UNKNOWN:
                result = Tri.UNKNOWN
        return result

    return disj


def _explain(
    tree: Node | Leaf,
    facts: Mapping[str, Any],
    params: Mapping[str, Any],
    as_of: date,
    out: list[Condition],
    *,
    negated: bool,
) -> tuple[Tri, dict[str, Any]]:
    if isinstance(tree, Leaf):
        cond = _leaf(tree, facts, params, as_of)
        raw = cond.status
        if negated:  # shown as the requirement it is: "纳税信用等级 A级 ≠ D级 ✓", not "= D级 ✗"
            cond.negated = True
            cond.op = NEGATED_TEXT.get(cond.op, cond.op)
            cond.status = raw.negate()
        out.append(cond)
        return raw, {"condition": len(out) - 1, "status": raw.value}
    if tree.op == "!":
        status, child = _explain(tree.children[0], facts, params, as_of, out, negated=not negated)
        result = status.negate()
        return result, {"op": "!", "status": result.value, "children": [child]}
    results = [_explain(c, facts, params, as_of, out, negated=negated) for c in tree.children]
    statuses = [s for s, _ in results]
    if tree.op == "and":
        result = (
            Tri.FALSE
            if Tri.FALSE in statuses
            else Tri.TRUE
            if all(s is Tri.TRUE for s in statuses)
            else Tri.UNKNOWN
        )
    else:
        result = (
            Tri.TRUE
            if Tri.TRUE in statuses
            else Tri.FALSE
            if all(s is Tri.FALSE for s in statuses)
            else Tri.UNKNOWN
        )
    return result, {"op": tree.op, "status": result.value, "children": [n for _, n in results]}


def _leaf(leaf: Leaf, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date) -> Condition:
    fact = get_fact(leaf.fact)
    value = facts.get(leaf.fact)
    if value is not None and fact.type is FactType.NUMBER:
        value = Decimal(str(value))
    thresholds = [resolve(fact, o, params, as_of) for o in leaf.operands]
    described = [describe_operand(fact, o, v, params) for o, v in zip(leaf.operands, thresholds, strict=True)]
    op = leaf.op
    if leaf.op == "between":
        threshold_text = f"{described[0]} ~ {described[1]}"
        op = "介于（不含端点）" if leaf.strict else "介于"
    elif leaf.op == "in":
        threshold_text = "、".join(described)
    else:
        threshold_text = described[0]
    if value is None:
        status = Tri.UNKNOWN
    else:
        status = Tri.TRUE if _holds(leaf, value, thresholds) else Tri.FALSE
    value_text = (
        _choice_label(fact, value)
        if value is not None and fact.type is FactType.TEXT and fact.choices is not None
        else fact.format(value)
    )
    return Condition(
        fact=fact.key,
        label=fact.label,
        op=op,
        value=value,
        value_text=value_text,
        threshold_text=threshold_text,
        status=status,
    )


def _holds(leaf: Leaf, v: Any, t: list[Any]) -> bool:
    op = leaf.op
    if op == "between":
        return (t[0] < v < t[1]) if leaf.strict else (t[0] <= v <= t[1])
    if op == "in":
        return v in t
    a = t[0]
    if op == "==":
        return bool(v == a)
    if op == "!=":
        return bool(v != a)
    if op == "<":
        return bool(v < a)
    if op == "<=":
        return bool(v <= a)
    if op == ">":
        return bool(v > a)
    return bool(v >= a)
