"""Forms of the policy pages: facts (calculator, test cases), the form-based rule builder (no JSON
typing: rows of fact / operator / value or parameter, grouped), review, payment, corrections."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from wenchuang.policy.models import FactCorrection, PolicyTestCase
from wenchuang.rules.facts import Fact, FactType, all_facts, get_fact, has_fact
from wenchuang.rules.models import Parameter

TRI_CHOICES = [("", "不确定"), ("1", "是"), ("0", "否")]


def _fact_field(fact: Fact) -> forms.Field:
    label = f"{fact.label}（{fact.unit}）" if fact.unit else fact.label
    if fact.type is FactType.NUMBER:
        return forms.DecimalField(label=label, required=False, min_value=0, max_digits=18, decimal_places=2)
    if fact.type is FactType.BOOLEAN:
        return forms.ChoiceField(label=label, required=False, choices=TRI_CHOICES)
    if fact.type is FactType.DATE:
        return forms.DateField(
            label=label, required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
        )
    choices = fact.choices() if fact.choices is not None else []
    if choices:
        return forms.ChoiceField(label=label, required=False, choices=[("", "不确定"), *list(choices)])
    return forms.CharField(label=label, required=False, max_length=50)


class FactsForm(forms.Form):
    """One input per registered fact; a blank input is 缺数据."""

    def __init__(self, *args: Any, keys: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in all_facts():
            if keys is None or fact.key in keys:
                self.fields[fact.key] = _fact_field(fact)

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if not has_fact(key):
                continue
            fact = get_fact(key)
            if value in ("", None):
                out[key] = None
            elif fact.type is FactType.BOOLEAN:
                out[key] = value == "1"
            else:
                out[key] = value
        return out

    @staticmethod
    def initial_from(facts: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in facts.items():
            if value is None or not has_fact(key):
                continue
            out[key] = ("1" if value else "0") if get_fact(key).type is FactType.BOOLEAN else value
        return out


def facts_json(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
        for k, v in facts.items()
    }


class TestCaseForm(FactsForm):
    name = forms.CharField(label="用例名称", max_length=100)
    expected = forms.ChoiceField(label="预期结果", choices=PolicyTestCase.Expected.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "expected"])


# --- rule builder -------------------------------------------------------------------------------------

OPERATORS = [
    (">=", "≥ 不低于"),
    (">", "> 高于"),
    ("<=", "≤ 不高于"),
    ("<", "< 低于"),
    ("==", "= 等于"),
    ("!=", "≠ 不等于"),
    ("in", "属于（多个值以顿号分隔）"),
    ("years", "成立满N年（日期）"),
]
COMBINATORS = [("and", "全部满足"), ("or", "任一满足")]
_SPLIT = re.compile(r"[、,，;；\s]+")


class RuleHeadForm(forms.Form):
    combinator = forms.ChoiceField(label="条件组之间", choices=COMBINATORS, initial="and")
    valid_from = forms.DateField(
        label="新版本生效日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label="修订说明", max_length=200, required=False)


def _fact_choices() -> list[tuple[str, str]]:
    out = [("", "（不使用此行）")]
    for f in all_facts():
        out.append((f.key, f"{f.label}{'（' + f.unit + '）' if f.unit else ''}"))
    return out


def _param_choices() -> list[tuple[str, str]]:
    return [("", "（直接填写数值）")] + [
        (p.key, f"参数：{p.label}（{p.unit}）" if p.unit else f"参数：{p.label}")
        for p in Parameter.objects.order_by("key")
    ]


class ConditionForm(forms.Form):
    group = forms.IntegerField(label="组", min_value=1, max_value=20, initial=1)
    negate = forms.BooleanField(label="不满足", required=False)
    fact = forms.ChoiceField(label="事实", required=False)
    op = forms.ChoiceField(label="运算", choices=OPERATORS, required=False)
    value = forms.CharField(label="取值", required=False, max_length=200)
    param = forms.ChoiceField(label="或参数", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = _fact_choices()  # type: ignore[attr-defined]
        self.fields["param"].choices = _param_choices()  # type: ignore[attr-defined]

    def leaf(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("fact"):
            return None
        fact_key = d["fact"]
        var = {"var": fact_key}
        op = d.get("op") or "=="
        raw = (d.get("value") or "").strip()
        if op == "years":
            try:
                n = int(raw)
            except ValueError:
                n = -1
            leaf: dict[str, Any] = {"<=": [var, {"years_ago": n if n >= 0 else raw}]}
        elif op == "in":
            leaf = {"in": [var, [_literal(fact_key, v) for v in _SPLIT.split(raw) if v]]}
        elif d.get("param"):
            leaf = {op: [var, {"param": d["param"]}]}
        else:
            leaf = {op: [var, _literal(fact_key, raw)]}
        return {"!": leaf} if d.get("negate") else leaf


def _literal(fact_key: str, raw: str) -> Any:
    """The typed value of what was typed; a wrong type stays text, and the engine says so in Chinese."""
    fact = get_fact(fact_key)
    if fact.type is FactType.NUMBER:
        try:
            d = Decimal(raw)
            return int(d) if d == d.to_integral_value() else float(d)
        except InvalidOperation:
            return raw
    if fact.type is FactType.BOOLEAN:
        return {"是": True, "true": True, "1": True, "否": False, "false": False, "0": False}.get(
            raw.lower(), raw
        )
    return raw


ConditionFormSet = forms.formset_factory(ConditionForm, extra=0, min_num=1, max_num=20)


def build_rule(combinator: str, leaves: list[tuple[int, dict[str, Any]]]) -> dict[str, Any] | None:
    """Rows grouped by their group number: inside a group the other combinator, groups by `combinator`."""
    inner = "or" if combinator == "and" else "and"
    groups: dict[int, list[dict[str, Any]]] = {}
    for group, leaf in leaves:
        groups.setdefault(group, []).append(leaf)
    if not groups:
        return None
    parts = [members[0] if len(members) == 1 else {inner: members} for _, members in sorted(groups.items())]
    return {combinator: parts}


def rows_from_rule(rule: Any) -> tuple[str, list[dict[str, Any]]] | None:
    """The builder's rows for a rule of that shape (None when the rule is shaped otherwise)."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return None
    ((top, children),) = rule.items()
    if top not in ("and", "or") or not isinstance(children, list):
        children, top = [rule], "and"
    inner = "or" if top == "and" else "and"
    rows: list[dict[str, Any]] = []
    for i, child in enumerate(children, start=1):
        members = child[inner] if isinstance(child, dict) and inner in child else [child]
        for m in members:
            row = _row(m)
            if row is None:
                return None
            row["group"] = i
            rows.append(row)
    return top, rows


def _row(leaf: Any) -> dict[str, Any] | None:
    negate = False
    if isinstance(leaf, dict) and "!" in leaf:
        negate, leaf = True, leaf["!"]
        if isinstance(leaf, list):
            leaf = leaf[0]
    if not isinstance(leaf, dict) or len(leaf) != 1:
        return None
    ((op, args),) = leaf.items()
    if not isinstance(args, list) or len(args) != 2 or not isinstance(args[0], dict) or "var" not in args[0]:
        return None
    row: dict[str, Any] = {"negate": negate, "fact": args[0]["var"], "op": op, "value": "", "param": ""}
    operand = args[1]
    if op == "in" and isinstance(operand, list):
        row["value"] = "、".join(str(v) for v in operand)
    elif isinstance(operand, dict) and "param" in operand:
        row["param"] = operand["param"]
    elif isinstance(operand, dict) and "years_ago" in operand and op == "<=":
        row["op"], row["value"] = "years", str(operand["years_ago"])
    elif isinstance(operand, dict):
        return None
    elif isinstance(operand, bool):
        row["value"] = "是" if operand else "否"
    else:
        row["value"] = str(operand)
    return row


# --- reviews, payments, corrections -------------------------------------------------------------------


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="审核意见", choices=[("approve", "通过"), ("return", "退回修改"), ("reject", "不予支持")]
    )
    reason = forms.CharField(
        label="理由（退回、不予支持必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label="兑现日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label="金额（万元）", min_value=Decimal("0.01"), max_digits=18, decimal_places=2, required=False
    )
    reference = forms.CharField(label="凭证号", max_length=60, required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="服务评价", coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)]
    )
    comment = forms.CharField(label="意见", max_length=300, required=False)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=FactCorrection.Kind.choices)
    fact = forms.ChoiceField(
        label="更正的事实",
        required=False,
        choices=[
            ("", "—"),
            ("revenue", "上年营业收入（万元）"),
            ("employees", "从业人员（人）"),
            ("exports", "上年出口额（万元）"),
            ("founded_on", "成立日期"),
        ],
    )
    claimed_value = forms.CharField(label="更正为", max_length=100, required=False)
    policy = forms.ChoiceField(label="复核的政策", required=False)
    message = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="证明材料（PDF、图片，10MB以内）", required=False)

    def __init__(self, *args: Any, policies: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [("", "—"), *(policies or [])]  # type: ignore[attr-defined]


class CorrectionReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("accept", "采纳"), ("decline", "不采纳")])
    answer = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}))
