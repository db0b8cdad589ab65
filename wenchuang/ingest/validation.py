"""Row validation: raw cells → clean values or a list of problems (column, value, Chinese reason).
Pure given a `Context` (districts, allowed years); no database access."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import itemgetter, methodcaller, mul
from typing import Any

from django.conf import settings

from wenchuang.core import uscc as uscc_mod
from wenchuang.core.districts import DistrictResolver
from wenchuang.ingest.schema import Kind
from wenchuang.ingest.values import (
    UNIT_TO_WAN,
    ValueProblem,
    clean_text,
    is_blank,
    parse_bool,
    parse_capital,
    parse_date,
    parse_decimal,
    parse_int,
    parse_money,
)

GRADES = {"A", "B", "M", "C", "D"}
# Status words of registration extracts and enterprise-information exports → our four states. A firm
# that still exists in the register (停业, 歇业, 清算 included) counts as 存续; "吊销，已注销" is 注销.
STATUS_WORDS = {
    "存续": "active",
    "在营": "active",
    "在业": "active",
    "开业": "active",
    "在册": "active",
    "正常": "active",
    "登记成立": "active",
    "确立": "active",
    "存续（在营、开业、在册）": "active",
    "停业": "active",
    "歇业": "active",
    "清算": "active",
    "active": "active",
    "注销": "deregistered",
    "已注销": "deregistered",
    "撤销": "deregistered",
    "已撤销": "deregistered",
    "吊销，已注销": "deregistered",
    "吊销,已注销": "deregistered",
    "deregistered": "deregistered",
    "吊销": "revoked",
    "已吊销": "revoked",
    "吊销，未注销": "revoked",
    "吊销,未注销": "revoked",
    "吊销未注销": "revoked",
    "revoked": "revoked",
    "迁出": "moved_out",
    "已迁出": "moved_out",
    "迁往外地": "moved_out",
    "moved_out": "moved_out",
}
_STATUS_HEAD = re.compile(r"^(存续|在营|在业|开业|注销|吊销|迁出|撤销)")
_GBT = re.compile(r"^\d{4}$")
_GBT_DIGITS = re.compile(r"(?<!\d)(\d{2,4})(?!\d)")
_GBT_LETTER = re.compile(r"^([A-T])(?![A-Za-z])")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_MONEY = Decimal("9999999999999999")


# How a refusal names the deployment's region (the city, the province, the nation).
_HOME = {"city": "本市", "province": "本省", "nation": "全国"}


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
    scope: Any = None  # core.scope.Scope of a district office; None = city-wide
    labels: dict[str, str] = field(default_factory=dict)  # schema key → the file's own header
    industry_names: dict[str, str] = field(default_factory=dict)  # GB/T 门类/大类/小类 name → code
    district_vintage: str = "unknown"  # core.districts.file_vintage of the file's district cells
    _resolver: DistrictResolver | None = None

    def label(self, key: str, default: str) -> str:
        """The column as the file names it: a message never blames a column the file calls otherwise."""
        return self.labels.get(key, default)

    def current(self) -> dict[str, str]:
        """Today's districts, code → name."""
        by_pk = {pk: name for name, pk in self.district_names.items()}
        return {code: by_pk.get(pk, code) for code, pk in self.districts.items()}

    def resolver(self) -> DistrictResolver:
        if self._resolver is None:
            self._resolver = DistrictResolver(self.current(), self.district_vintage)
        return self._resolver


RowsValidator = Callable[
    [Sequence[tuple[int, list[Any]]]], tuple[list[tuple[int, dict[str, Any]]], dict[int, list[Problem]]]
]
_CENT = Decimal("0.01")
_ASCII_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_OK = re.compile(r"^\+?\d{1,3}(,\d{3})+(\.\d+)?$")
# What a fast converter returns for a cell it leaves to the general parser (blank, unusual, wrong), and
# what a cell left blank (and allowed to be) turns into before the row's dict is built.
MISS: Any = object()
ABSENT: Any = object()


def _miss(raw: Any) -> Any:
    return MISS


def _fast(col: Any, ctx: Context) -> Callable[[Any], Any]:
    """A converter for one column that handles the common cases (plain text as a CSV holds it, numbers
    an xlsx holds) and returns `MISS` for everything else, which `_cell` then reads with the general
    parser — same value, or the same Chinese reason. Blank cells always miss."""
    typ, max_length = col.type, col.max_length

    if typ == "text":

        def text(raw: Any) -> Any:
            # text already in NFKC form is what `clean_text` would return once stripped
            if type(raw) is str and unicodedata.is_normalized("NFKC", raw):
                raw = raw.strip()
                if raw and (not max_length or len(raw) <= max_length):
                    return raw
            return MISS

        return text
    if typ == "uscc":
        value_of, weights, charset = uscc_mod._VALUE.__getitem__, uscc_mod.WEIGHTS, uscc_mod.CHARSET

        def uscc(raw: Any) -> Any:
            # 18 characters of the code's own alphabet are already normalised; a KeyError means a
            # character outside it (lower case, I/O/S/V/Z, spaces), which the general parser names
            if type(raw) is str and len(raw) == 18 and raw[2:8].isdigit():
                try:
                    total = sum(map(mul, map(value_of, raw[:17]), weights))
                except KeyError:
                    return MISS
                if raw[17] == charset[-total % 31]:
                    return raw
            return MISS

        return uscc
    if typ == "money":
        factor = UNIT_TO_WAN[ctx.units.get(col.key, "万元")]
        wan = factor == 1

        def money(raw: Any) -> Any:
            if type(raw) is str and raw.isascii():
                text = raw.strip()
                if "," in text and _GROUPED_OK.match(text):
                    text = text.replace(",", "")
                if text and text[0] != "-" and _ASCII_NUMBER.match(text):
                    value = (Decimal(text) if wan else Decimal(text) * factor).quantize(_CENT)
                    if value <= MAX_MONEY:
                        return value
            return MISS

        return money
    if typ in ("int", "year"):
        lo, hi = ctx.years if typ == "year" else (0, 2_000_000_000)

        def integer(raw: Any) -> Any:
            if type(raw) is str and raw.isascii() and raw.isdigit():
                value = int(raw)
                if lo <= value <= hi:
                    return value
            elif type(raw) is int and lo <= raw <= hi:
                return raw
            return MISS

        return integer
    if typ == "date":

        def day(raw: Any) -> Any:
            if type(raw) is str and len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
                try:
                    return date.fromisoformat(raw)
                except ValueError:
                    pass
            return MISS

        return day
    if typ == "gbt":

        def gbt(raw: Any) -> Any:
            if type(raw) is str and len(raw) == 4 and raw.isascii() and raw.isdigit():
                return raw
            return MISS

        return gbt
    if typ == "district":
        known = ctx.districts

        def district(raw: Any) -> Any:
            return raw if type(raw) is str and raw in known else MISS

        return district
    if typ == "bool":
        words: dict[Any, bool] = {"是": True, "否": False}

        def flag(raw: Any) -> Any:
            return words.get(raw, MISS) if type(raw) is str else MISS

        return flag
    return _miss


# A whole column of plain numbers as a CSV holds them, cells separated by newlines: checked with one
# regular expression over the joined text and converted with one `map`, instead of a Python call per cell.
_PLAIN_MONEY = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
_MONEY_COLUMN = re.compile(rf"(?:{_PLAIN_MONEY}\n)*{_PLAIN_MONEY}")
_INT_COLUMN = re.compile(r"(?:\d+\n)*\d+")
_quantize_cent = methodcaller("quantize", _CENT)


def _joined(raw: list[Any]) -> str | None:
    """The column's cells joined by newlines, or None unless all are ASCII text (numbers from an xlsx,
    blanks as None, full-width digits go cell by cell)."""
    try:
        joined = "\n".join(raw)
    except TypeError:
        return None
    return joined if joined.isascii() else None


def _column_fast(col: Any, ctx: Context) -> Callable[[list[Any]], list[Any] | None] | None:
    """For money and integer columns: the converted column when every cell is a plain ASCII number
    (the common case of a CSV export), else None and the column goes cell by cell."""
    if col.type == "money":
        factor = UNIT_TO_WAN[ctx.units.get(col.key, "万元")]

        def money_column(raw: list[Any]) -> list[Any] | None:
            joined = _joined(raw)
            if joined is None or not _MONEY_COLUMN.fullmatch(joined):
                return None
            numbers = list(map(Decimal, joined.replace(",", "").split("\n")))
            if factor != 1:
                numbers = [n * factor for n in numbers]
            values = list(map(_quantize_cent, numbers))
            return values if max(values) <= MAX_MONEY else None

        return money_column
    if col.type in ("int", "year"):
        lo, hi = ctx.years if col.type == "year" else (0, 2_000_000_000)

        def int_column(raw: list[Any]) -> list[Any] | None:
            joined = _joined(raw)
            if joined is None or not _INT_COLUMN.fullmatch(joined):
                return None
            values = list(map(int, joined.split("\n")))
            return values if lo <= min(values) and max(values) <= hi else None

        return int_column
    return None


def _cell(col: Any, raw: Any, rowno: int, pos: int, ctx: Context) -> Any:
    """One cell the fast path missed, read as `validate_row` reads it: a value, `ABSENT` (blank and
    optional) or a `Problem`."""
    if ctx.formulas and (rowno, pos) in ctx.formulas:
        return Problem(col.key, ctx.formulas[(rowno, pos)], "单元格含公式，请复制后“选择性粘贴为数值”再导入")
    label = ctx.label(col.key, col.zh)
    if is_blank(raw):
        return Problem(col.key, "", f"{label}不能为空") if col.required else ABSENT
    try:
        return _parse(col.type, col.key, raw, ctx, col.max_length)
    except ValueProblem as exc:
        msg = str(exc)
        return Problem(col.key, raw, msg if msg.startswith(label) else f"{label}：{msg}")


def rows_validator(kind: Kind, ctx: Context) -> RowsValidator:
    """Compile the checks of `kind` for the file's column positions once. The returned function takes a
    run of rows and gives (clean rows, problems by row number) exactly as `validate_row` would row by
    row, but works column by column: one `map` of a column's fast converter over the run, the general
    parser only for the cells it missed. Per-cell interpreter overhead is what dominated validation."""
    plan = [
        (col, ctx.positions[col.key], _fast(col, ctx), _column_fast(col, ctx))
        for col in kind.columns
        if col.key in ctx.positions
    ]
    keys = tuple(col.key for col, *_ in plan)
    registration = kind.code == "registration"
    formula_cells: dict[int, set[int]] = defaultdict(set)  # column position → row numbers
    for rowno, pos in ctx.formulas:
        formula_cells[pos].add(rowno)

    def validate(
        rows: Sequence[tuple[int, list[Any]]],
    ) -> tuple[list[tuple[int, dict[str, Any]]], dict[int, list[Problem]]]:
        values = [v for _, v in rows]
        rownos = [r for r, _ in rows]
        width = min(map(len, values), default=0)
        columns: list[list[Any]] = []
        problems: dict[int, list[Problem]] = {}
        ragged: set[int] = set()  # rows with a blank optional cell: their dict leaves the key out
        for col, pos, fast, column_fast in plan:
            raw = (
                list(map(itemgetter(pos), values))
                if pos < width
                else [v[pos] if pos < len(v) else None for v in values]
            )
            whole = column_fast(raw) if column_fast and raw and pos not in formula_cells else None
            if whole is not None:
                columns.append(whole)
                continue
            out = list(map(fast, raw))
            if pos in formula_cells:
                for i, rowno in enumerate(rownos):
                    if rowno in formula_cells[pos]:
                        out[i] = MISS
            for i in [i for i, x in enumerate(out) if x is MISS]:
                got = _cell(col, raw[i], rownos[i], pos, ctx)
                if type(got) is Problem:
                    problems.setdefault(i, []).append(got)
                    got = ABSENT
                if got is ABSENT:
                    ragged.add(i)
                out[i] = got
            columns.append(out)
        good: list[tuple[int, dict[str, Any]]] = []
        bad: dict[int, list[Problem]] = {}
        if not problems and not ragged and not registration:
            # the usual run: every cell read — build the rows' dicts without a Python-level loop
            dicts = map(dict, map(zip, repeat(keys), zip(*columns, strict=True)))
            return list(zip(rownos, dicts, strict=True)), bad
        for i, cells in enumerate(zip(*columns, strict=True)) if columns else ():
            if i in problems:
                bad[rownos[i]] = problems[i]
                continue
            if i in ragged:
                row = {k: v for k, v in zip(keys, cells, strict=True) if v is not ABSENT}
            else:
                row = dict(zip(keys, cells, strict=True))
            if registration:
                found: list[Problem] = []
                _district(row, {}, ctx, found)
                if found:
                    bad[rownos[i]] = found
                    continue
            good.append((rownos[i], row))
        return good, bad

    return validate


def validate_row(
    kind: Kind, rowno: int, cells: dict[str, Any], ctx: Context
) -> tuple[dict[str, Any], list[Problem]]:
    """One row through the general parser, cell by cell: the reference `rows_validator` must agree with
    (ingest/tests/test_validation.py), kept readable rather than fast."""
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
        label = ctx.label(col.key, col.zh)
        if is_blank(raw):
            if col.required:
                problems.append(Problem(col.key, "", f"{label}不能为空"))
            continue
        try:
            out[col.key] = _parse(col.type, col.key, raw, ctx, col.max_length)
        except ValueProblem as exc:
            problems.append(
                Problem(col.key, raw, f"{label}：{exc}" if not str(exc).startswith(label) else str(exc))
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
        return parse_industry(raw, ctx.industry_names)
    if typ == "capital":
        return parse_capital(raw, ctx.units.get(key) or "万元")
    if typ == "status":
        text = clean_text(raw)
        status = STATUS_WORDS.get(text) or STATUS_WORDS.get(text.lower())
        if status is None:
            m = _STATUS_HEAD.match(text)
            status = STATUS_WORDS.get(m.group(1)) if m else None
        if status is None:
            raise ValueProblem(f"“{text}”不是可识别的登记状态（存续/在业、注销、吊销、迁出）")
        return status
    if typ == "district":
        # a code or a name; which district it is today is decided with the address (`_district`)
        code = clean_text(raw)
        if code.isdigit() and len(code) != 6:
            raise ValueProblem(f"“{code}”不是6位区划代码")
        return code
    if typ == "slug":
        code = clean_text(raw)
        if not _SLUG.match(code):
            raise ValueProblem(f"“{code}”只能包含字母、数字、-和_")
        return code
    raise AssertionError(typ)  # pragma: no cover


def parse_industry(raw: Any, names: dict[str, str]) -> str:
    """An industry cell as exports write it → a GB/T 4754 code: "6513", "I6513", "6513 应用软件开发",
    "应用软件开发（6513）", a 2/3-digit 大类/中类 code (kept partial: the classifier sends it to review),
    a 小类 name the mapping knows, a 门类 letter or name (kept as the letter: review)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        digits = str(int(raw))
        # a number cell lost its leading zero: 111 is 0111 (agriculture 小类 run from 0111 to 0539)
        return digits.zfill(4) if len(digits) == 3 and digits[0] in "12345" else digits
    text = clean_text(raw)
    m = _GBT_DIGITS.search(text)
    if m:
        return m.group(1)
    # a name, or a path "门类 > 大类 > 中类 > 小类": the most specific part the tables know
    for candidate in (text, *reversed(re.split(r"\s*[>/|]\s*", text))):
        candidate = candidate.strip()
        if candidate in names:
            return names[candidate]
    m = _GBT_LETTER.match(text)
    if m and (len(text) == 1 or not text[1].isascii()):
        return m.group(1)
    raise ValueProblem(f"“{text}”不是GB/T 4754行业代码或可识别的行业名称（可写6513、I6513或行业小类名称）")


def _district(out: dict[str, Any], cells: dict[str, Any], ctx: Context, problems: list[Problem]) -> None:
    value = out.get("district", "")
    address = out.get("address", "")
    d_label, a_label = ctx.label("district", "区划代码"), ctx.label("address", "注册地址")
    if not value and not address:
        problems.append(Problem("district", "", f"{d_label}与{a_label}至少填一项"))
        return
    res = ctx.resolver().resolve(value, address)
    if res.code is None or res.code not in ctx.districts:
        if value:
            home = _HOME.get(settings.WENCHUANG_DEPLOYMENT_LEVEL, "本市")
            message = f"{d_label}：“{value}”不是{home}（{ctx.city_code}）的区县代码或名称"
            problems.append(Problem("district", value, message))
        else:
            problems.append(Problem("address", address, f"无法从{a_label}判定所在区县，请填写{d_label}"))
        return
    out["district"] = res.code
    out["district_id"] = ctx.districts[res.code]
    out["district_original"] = res.original if res.original != res.code else ""
    out["district_note"] = res.note
    if res.review:
        out["district_review"] = True
    if ctx.scope is not None and out["district_id"] not in ctx.scope.district_ids:
        if value:
            problems.append(Problem("district", value, ctx.scope.outside(f"区划代码{res.code}")))
        else:
            problems.append(Problem("address", address, ctx.scope.outside("注册地址所在区县")))
