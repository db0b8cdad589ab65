"""The expression language of validation rules (DHIS2 style: left expression, operator, right
expression). Pure: parsing, checking and evaluating one row; `validation.py` compiles the same trees
to SQL to run them over all rows at once.

An expression is arithmetic (+ - * /, unary minus, abs(), numbers) over an enterprise-year's fields
and `prev.<field>` (the same enterprise's previous year). A division by zero, like a missing value,
makes the expression missing, and a rule with a missing side is skipped for that row.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal

from wenchuang.core.errors import DomainError
from wenchuang.stats.formulas import MEASURES

# An enterprise-year's fields a rule may use: the plan's measures (one vocabulary, stats.formulas).
FIELDS = frozenset(MEASURES)
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
PRESENCE = frozenset({"requires", "compulsory_pair", "exclusive_pair"})
OPERATORS = COMPARISONS | PRESENCE


class RuleError(DomainError, ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Field:
    name: str
    prev: bool = False

    @property
    def alias(self) -> str:
        return f"prev_{self.name}" if self.prev else self.name


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class Abs:
    operand: Node


Node = Num | Field | BinOp | Neg | Abs
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def parse(text: str) -> Node:
    """Parse an expression; raises RuleError with a Chinese message for anything outside the language."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"表达式语法错误：{text}") from exc
    return _convert(tree.body, text)


def _convert(node: ast.AST, text: str) -> Node:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return Num(Decimal(str(node.value)))
    if isinstance(node, ast.Name):
        if node.id not in FIELDS:
            raise RuleError(f"未知字段 {node.id}（可用：{'、'.join(sorted(FIELDS))}）")
        return Field(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "prev":
        if node.attr not in FIELDS:
            raise RuleError(f"未知字段 prev.{node.attr}")
        return Field(node.attr, prev=True)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return BinOp(_BINOPS[type(node.op)], _convert(node.left, text), _convert(node.right, text))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return Neg(_convert(node.operand, text))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return _convert(node.operand, text)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and not node.keywords
    ):
        return Abs(_convert(node.args[0], text))
    raise RuleError(f"表达式中含不支持的写法：{text}")


def fields(node: Node) -> set[Field]:
    if isinstance(node, Field):
        return {node}
    if isinstance(node, BinOp):
        return fields(node.left) | fields(node.right)
    if isinstance(node, Neg | Abs):
        return fields(node.operand)
    return set()


def check_rule(left: str, operator: str, right: str) -> tuple[Node, Node]:
    """Parse and check a rule's three parts (for the admin form and the runner)."""
    if operator not in OPERATORS:
        raise RuleError(f"未知运算符 {operator}")
    return parse(left), parse(right)
