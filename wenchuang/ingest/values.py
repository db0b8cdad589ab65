"""Cell-value parsing for imports: numbers with thousands separators, money in 元/万元/亿元, dates in
the forms Chinese offices write, years, flags. Pure functions; each raises `ValueProblem` with a
Chinese reason that ends up in the rejected-rows file."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from wenchuang.core.errors import DomainError

# Money is stored in 万元; the factor converts a value in the given unit to 万元.
UNIT_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
UNIT_ALIASES = {
    "元": "元",
    "yuan": "元",
    "万元": "万元",
    "万": "万元",
    "wan": "万元",
    "亿元": "亿元",
    "亿": "亿元",
}
_EXCEL_EPOCH = date(1899, 12, 30)
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_SEP_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
TRUE_WORDS = {"是", "1", "y", "yes", "true", "t", "√", "✓", "规上", "规模以上"}
FALSE_WORDS = {"否", "0", "n", "no", "false", "f", "×", "规下", "规模以下"}


class ValueProblem(DomainError, ValueError):
    """A cell that cannot be read; the message is the Chinese reason shown to the user."""


def clean_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise ValueProblem("应为数字")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    text = clean_text(raw).replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueProblem(f"“{text}”不是数字")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise ValueProblem(f"“{text}”不是数字") from exc


def parse_money(raw: object, unit: str) -> Decimal:
    """A money value in `unit`, returned in 万元 rounded to the 元 cent (2 decimals of 万元 is 100 元;
    we keep 4 so 元 inputs survive, then quantise to the field's 2 places)."""
    value = parse_decimal(raw) * UNIT_TO_WAN[unit]
    return value.quantize(Decimal("0.01"))


def parse_int(raw: object) -> int:
    value = parse_decimal(raw)
    if value != value.to_integral_value():
        raise ValueProblem(f"“{clean_text(raw)}”应为整数")
    return int(value)


def parse_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        serial = float(raw)
        if 1 <= serial < 2958466:  # Excel serials up to 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=int(serial))
        raise ValueProblem(f"“{raw}”不是有效的Excel日期序号")
    text = clean_text(raw)
    for pattern in (_SEP_DATE, _CN_DATE, _COMPACT_DATE):
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise ValueProblem(f"“{text}”不是有效日期") from exc
    if text.isdigit() and 1 <= int(text) < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(text))
    raise ValueProblem(f"“{text}”不是可识别的日期（可用2020-01-05、2020/1/5或2020年1月5日）")


def parse_bool(raw: object) -> bool:
    text = clean_text(raw).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"“{text}”应为“是”或“否”")


def unit_from_header(header: str) -> tuple[str, str | None]:
    """'营业收入（万元）' → ('营业收入', '万元'); a header without a money unit → (header, None)."""
    text = clean_text(header)
    m = re.match(r"^(.*?)[(\[]\s*([^()\[\]]+?)\s*[)\]]$", text)
    if m:
        unit = UNIT_ALIASES.get(m.group(2).strip().lower())
        return m.group(1).strip(), unit if unit else None
    return text, None


CURRENCIES = {
    "人民币": "人民币",
    "元人民币": "人民币",
    "美元": "美元",
    "港元": "港元",
    "港币": "港元",
    "欧元": "欧元",
    "日元": "日元",
    "英镑": "英镑",
    "澳元": "澳元",
    "新加坡元": "新加坡元",
    "新台币": "新台币",
}
_CAPITAL = re.compile(
    r"^(?P<cur1>人民币|美元|港元|港币|欧元|日元|英镑|澳元|新加坡元|新台币)?"
    r"(?P<num>[+-]?[\d,]*\.?\d+)(?P<mag>万|亿)?(?P<yuan>元)?"
    r"(?P<cur2>人民币|美元|港元|港币|欧元|日元|英镑|澳元|新加坡元|新台币)?$"
)


def parse_capital(raw: object, unit: str = "万元") -> tuple[Decimal, str]:
    """Registered capital as exports write it → (amount in 万 of its currency, currency):
    "1000万元人民币", "1000万人民币", "50万美元", "人民币100万元", "1,000.5万", "500000元", 1000 (a bare
    number is in `unit`, the column header's unit or 万元)."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return parse_money(raw, unit), "人民币"
    text = clean_text(raw).replace(" ", "").replace("(", "").replace(")", "")
    m = _CAPITAL.match(text)
    if m is None:
        raise ValueProblem(f"“{clean_text(raw)}”不是可识别的注册资本（如1000万元人民币、50万美元）")
    number = m.group("num")
    if "," in number and not _GROUPED.match(number):
        raise ValueProblem(f"“{clean_text(raw)}”不是可识别的注册资本（如1000万元人民币、50万美元）")
    if m.group("mag") == "万":
        cell_unit = "万元"
    elif m.group("mag") == "亿":
        cell_unit = "亿元"
    elif m.group("yuan"):
        cell_unit = "元"
    else:
        cell_unit = unit or "万元"
    value = parse_money(number, cell_unit)
    if value < 0:
        raise ValueProblem("注册资本不能为负数")
    currency = CURRENCIES[m.group("cur1") or m.group("cur2") or "人民币"]
    return value, currency
