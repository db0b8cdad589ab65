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
