"""CSV exports that are safe to open in Excel or WPS.

A cell starting with = + - @ (or a tab / carriage return) is read as a formula by spreadsheet programs
(CSV/formula injection, OWASP). `neutralise_cell` prefixes such text with an apostrophe, which the
spreadsheet shows as plain text. Real numbers stay numbers; a text that is just a number ("-12.5")
is left alone because no formula can hide in it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


# One number style for downloads: a number shown on a page ("2,852.76", "64.43%") is written as a number
# (2852.76, 0.6443 with a percent format in Excel); a code ("01", "330106", a USCC) stays text.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SHORT = re.compile(r"^[+-]?(0|[1-9]\d{0,4})(\.\d+)?$")  # ≤ 5 digits before the point, no leading zero
_PERCENT = re.compile(r"^[+-]?\d{1,3}(,?\d{3})*(\.\d+)?%$")


def export_value(value: Any) -> tuple[Any, str | None]:
    """(value to write, Excel number format or None). Text that is a shown number becomes that number;
    codes and other text stay text ("@" in Excel, so 大类 01 keeps its leading zero)."""
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, int | float | Decimal):
        return value, None
    text = str(value).strip()
    if _PERCENT.match(text):
        number = Decimal(text[:-1].replace(",", "")) / 100
        places = len(text[:-1].partition(".")[2])
        return number, "0" + ("." + "0" * places if places else "") + "%"
    if _GROUPED.match(text) or _SHORT.match(text):
        number = Decimal(text.replace(",", ""))
        places = len(text.partition(".")[2])
        return number, "#,##0" + ("." + "0" * places if places else "")
    return value, "@" if text[:1].isdigit() else None


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise_cell(v) for v in row]


def csv_write(fh: Any, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write a header and rows, every cell neutralised. Returns the number of data rows."""
    writer = csv.writer(fh)
    writer.writerow(neutralise_row(header))
    count = 0
    for row in rows:
        writer.writerow(neutralise_row(row))
        count += 1
    return count


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    csv_write(buf, header, rows)
    return buf.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    # UTF-8 with BOM so Excel on Chinese Windows opens the file as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.write("\ufeff")
    csv_write(response, header, rows)
    return response
