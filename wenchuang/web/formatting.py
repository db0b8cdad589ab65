"""How numbers and targets are written on screen (pure; templates do no arithmetic or formatting logic)."""

from __future__ import annotations

from decimal import Decimal

# Plan texts write a strict target as ">65" and an approximate one as "20左右".
_OP_PREFIX = {">": "＞", ">=": "", "<": "＜", "<=": "≤", "~": "约"}


def format_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_target(op: str, value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    return f"{_OP_PREFIX.get(op, '')}{format_number(value)}"
