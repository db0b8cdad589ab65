"""Row validation: raw cells → clean values or a list of problems (column, value, Chinese reason).
Pure given a `Context` (districts, allowed years); no database access."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from wenchuang.core import uscc as uscc_mod
from wenchuang.ingest.schema import Kind
from wenchuang.ingest.values import (
    UNIT_TO_WAN,
    ValueProblem,
    clean_text,
    is_blank,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_money,
)

GRADES = {"A", "B", "M", "C", "D"}
STATUS_WORDS = {
    "存续": "active",
    "在营": "active",
    "开业": "active",
    "存续（在营、开业、在册）": "active",
    "active": "active",
    "注销": "deregistered",
    "deregistered": "deregistered",
    "吊销": "revoked",
    "吊销，未注销": "revoked",
    "revoked": "revoked",
    "迁出": "moved_out",
    "moved_out": "moved_out",
}
_GBT = re.compile(r"^\d{4}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_MONEY = Decimal("9999999999999999")


@dataclass(frozen=True)
class Problem:
    column: str  # schema key
    value: Any
    reason: str


@dataclass
class Context:
    city_code: str
    districts: dict[str, int]  # code → District pk
    district_names: dict[str, int]  # name (e.g. 西湖区) → pk
    years: tuple[int, int]  # inclusive range allowed
    units: dict[str, str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    scope: Any = None  # ImportScope of a district office; None = city-wide


RowValidator = Callable[[int, list[Any]], tuple[dict[str, Any], list[Problem]]]
_CENT = Decimal("0.01")
_ASCII_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _converter(col: Any, ctx: Context) -> Callable[[Any], Any]:
    """A converter for one column with the common cases (plain ASCII text as a CSV holds it) done
    without the general parser; anything unusual falls through to `_parse`, which gives the same
    value or the same Chinese reason."""
    typ, key, max_length = col.type, col.key, col.max_length

    def slow(raw: Any) -> Any:
        return _parse(typ, key, raw, ctx, max_length)

    if typ == "text":

        def text(raw: Any) -> Any:
            if type(raw) is str and raw.isascii():
                raw = raw.strip()
                if not max_length or len(raw) <= max_length:
                    return raw
            return slow(raw)

        return text
    if typ == "uscc":
        values = uscc_mod._VALUE

        def uscc(raw: Any) -> Any:
            if (
                type(raw) is str
                and len(raw) == 18
                and raw.isascii()
                and raw.isupper()
                and raw[2:8].isdigit()
                and all(ch in values for ch in raw)
                and uscc_mod.check_character(raw[:17]) == raw[17]
            ):
                return raw
            return slow(raw)

        return uscc
    if typ == "money":
        factor = UNIT_TO_WAN[ctx.units.get(key, "万元")]
        wan = factor == 1

        def money(raw: Any) -> Any:
            if type(raw) is str and raw.isascii():
                text = raw.strip()
                if "," in text and not text.startswith("-"):
                    text = text.replace(",", "") if _GROUPED_OK.match(text) else text
                if _ASCII_NUMBER.match(text) and text[0] != "-":
                    value = Decimal(text) if wan else Decimal(text) * factor
                    value = value.quantize(_CENT)
                    if value <= MAX_MONEY:
                        return value
            return slow(raw)

        return money
    if typ in ("int", "year"):
        lo, hi = ctx.years if typ == "year" else (0, 2_000_000_000)

        def integer(raw: Any) -> Any:
            if type(raw) is str and raw.isascii() and raw.isdigit():
                value = int(raw)
                if lo <= value <= hi:
                    return value
            return slow(raw)

        return integer
    if typ == "date":

        def day(raw: Any) -> Any:
            if type(raw) is str and len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
                try:
                    return date.fromisoformat(raw)
                except ValueError:
                    pass
            return slow(raw)

        return day
    if typ == "gbt":

        def gbt(raw: Any) -> Any:
            if type(raw) is str and len(raw) == 4 and raw.isascii() and raw.isdigit():
                return raw
            return slow(raw)

        return gbt
    if typ == "district":
        known = ctx.districts

        def district(raw: Any) -> Any:
            if type(raw) is str and raw in known:
                return raw
            return slow(raw)

        return district
    if typ == "bool":

        def flag(raw: Any) -> Any:
            if raw == "是":
                return True
            if raw == "否":
                return False
            return slow(raw)

        return flag
    return slow


_GROUPED_OK = re.compile(r"^\+?\d{1,3}(,\d{3})+(\.\d+)?$")


def row_validator(kind: Kind, ctx: Context) -> RowValidator:
    """Compile the checks of `kind` for the file's column positions once; the returned function turns
    one row's raw values into (clean values, problems) exactly as `validate_row` does."""
    plan = [
        (col.key, ctx.positions[col.key], col.required, col.zh, _converter(col, ctx))
        for col in kind.columns
        if col.key in ctx.positions
    ]
    formulas = ctx.formulas
    registration = kind.code == "registration"

    def validate(rowno: int, values: list[Any]) -> tuple[dict[str, Any], list[Problem]]:
        out: dict[str, Any] = {}
        problems: list[Problem] = []
        n = len(values)
        for key, pos, required, zh, conv in plan:
            raw = values[pos] if pos < n else None
            if formulas and (rowno, pos) in formulas:
                problems.append(
                    Problem(key, formulas[(rowno, pos)], "单元格含公式，请复制后“选择性粘贴为数值”再导入")
                )
                continue
            if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
                if required:
                    problems.append(Problem(key, "", f"{zh}不能为空"))
                continue
            try:
                out[key] = conv(raw)
            except ValueProblem as exc:
                msg = str(exc)
                problems.append(Problem(key, raw, msg if msg.startswith(zh) else f"{zh}：{msg}"))
        if registration and not problems:
            _district(out, {}, ctx, problems)
        return out, problems

    return validate


def validate_row(
    kind: Kind, rowno: int, cells: dict[str, Any], ctx: Context
) -> tuple[dict[str, Any], list[Problem]]:
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for col in kind.columns:
        if col.key not in cells:
            continue
        raw = cells[col.key]
        pos = ctx.positions.get(col.key)
        if pos is not None and (rowno, pos) in ctx.formulas:
            problems.append(
                Problem(col.key, ctx.formulas[(rowno, pos)], "单元格含公式，请复制后“选择性粘贴为数值”再导入")
            )
            continue
        if is_blank(raw):
            if col.required:
                problems.append(Problem(col.key, "", f"{col.zh}不能为空"))
            continue
        try:
            out[col.key] = _parse(col.type, col.key, raw, ctx, col.max_length)
        except ValueProblem as exc:
            problems.append(
                Problem(col.key, raw, f"{col.zh}：{exc}" if not str(exc).startswith(col.zh) else str(exc))
            )
    if kind.code == "registration" and not problems:
        _district(out, cells, ctx, problems)
    return out, problems


def _parse(typ: str, key: str, raw: Any, ctx: Context, max_length: int) -> Any:
    if typ == "uscc":
        res = uscc_mod.validate(clean_text(raw))
        if not res.valid:
            raise ValueProblem(res.error)
        return res.code
    if typ == "text":
        text = clean_text(raw)
        if max_length and len(text) > max_length:
            raise ValueProblem(f"长度超过{max_length}个字符")
        return text
    if typ == "money":
        value = parse_money(raw, ctx.units.get(key, "万元"))
        if value < 0:
            raise ValueProblem("不能为负数")
        if abs(value) > MAX_MONEY:
            raise ValueProblem("数值过大")
        return value
    if typ == "decimal":
        return parse_decimal(raw)
    if typ == "int":
        number = parse_int(raw)
        if number < 0:
            raise ValueProblem("不能为负数")
        if number > 2_000_000_000:
            raise ValueProblem("数值过大")
        return number
    if typ == "year":
        year = parse_int(raw)
        lo, hi = ctx.years
        if not lo <= year <= hi:
            raise ValueProblem(f"{year}年不在规划数据年度范围（{lo}—{hi}年）内")
        return year
    if typ == "date":
        return parse_date(raw)
    if typ == "bool":
        return parse_bool(raw)
    if typ == "grade":
        grade = clean_text(raw).upper().removesuffix("级")
        if grade not in GRADES:
            raise ValueProblem(f"“{clean_text(raw)}”不是纳税信用等级（A、B、M、C、D）")
        return grade
    if typ == "gbt":
        code = clean_text(raw)
        if code.isdigit() and len(code) < 4:
            code = code.zfill(4)
        if not _GBT.match(code):
            raise ValueProblem(f"“{code}”不是GB/T 4754的4位小类代码")
        return code
    if typ == "status":
        text = clean_text(raw)
        status = STATUS_WORDS.get(text) or STATUS_WORDS.get(text.lower())
        if status is None:
            raise ValueProblem(f"“{text}”不是可识别的登记状态（存续、注销、吊销、迁出）")
        return status
    if typ == "district":
        code = clean_text(raw)
        if code not in ctx.districts:
            raise ValueProblem(f"区划代码{code}不在本市（{ctx.city_code}）范围内")
        return code
    if typ == "slug":
        code = clean_text(raw)
        if not _SLUG.match(code):
            raise ValueProblem(f"“{code}”只能包含字母、数字、-和_")
        return code
    raise AssertionError(typ)  # pragma: no cover


def _district(out: dict[str, Any], cells: dict[str, Any], ctx: Context, problems: list[Problem]) -> None:
    if out.get("district"):
        out["district_id"] = ctx.districts[out["district"]]
        if ctx.scope is not None and out["district_id"] not in ctx.scope.district_ids:
            problems.append(Problem("district", out["district"], ctx.scope.outside_code(out["district"])))
        return
    address = out.get("address", "")
    if not address:
        problems.append(Problem("district", "", "区划代码与注册地址至少填一项"))
        return
    hits = {pk for name, pk in ctx.district_names.items() if name in address}
    if len(hits) == 1:
        out["district_id"] = hits.pop()
        if ctx.scope is not None and out["district_id"] not in ctx.scope.district_ids:
            problems.append(Problem("address", address, ctx.scope.outside_address()))
    else:
        problems.append(Problem("address", address, "无法从注册地址判定所在区县，请填写区划代码"))
