"""The report's tables as an Excel workbook (openpyxl): one sheet per table, numbers stored as numbers
with number formats, text cells neutralised against formula injection, and the data-notes sheet."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from wenchuang.core.exports import neutralise_cell
from wenchuang.reports.layout import INT, NUM, PCT, RATIO, TEXT, Document, Fixed

FORMATS = {NUM: "#,##0.00", INT: "#,##0", RATIO: "0.0%", PCT: "0.00%"}
FIXED_TIME = datetime(2000, 1, 1)


def _cell(value: Any, kind: str) -> tuple[Any, str | None]:
    if isinstance(value, Fixed):
        if value.value is None:
            return None, None
        return float(value.value), "#,##0" if value.places == 0 else "#,##0.00"
    if value is None or value == "":
        return None, None
    if kind == TEXT:
        return neutralise_cell(value), None
    number = float(value) if isinstance(value, Decimal | int | float) else float(str(value))
    if kind == PCT:
        number = float(Decimal(str(value)) / 100)
    if kind == INT:
        number = int(number)
    return number, FORMATS[kind]


def _sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    i = 2
    while name in used:
        name = f"{key[:28]}{i}"
        i += 1
    used.add(name)
    return name


def render(doc: Document) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    cover = wb.create_sheet(_sheet_name("封面", used))
    cover.append([neutralise_cell(doc.title)])
    cover["A1"].font = Font(bold=True, size=14)
    for block in doc.blocks:
        if block.kind in ("meta", "p", "empty"):
            cover.append([neutralise_cell(block.text)])
    cover.column_dimensions["A"].width = 120
    for table in doc.tables:
        ws = wb.create_sheet(_sheet_name(table.key, used))
        ws.append([neutralise_cell(table.title)])
        ws["A1"].font = Font(bold=True)
        ws.append([neutralise_cell(c.header) for c in table.cols])
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            values = [_cell(v, c.kind) for v, c in zip(row, table.cols, strict=True)]
            ws.append([v for v, _ in values])
            for cell, (_, fmt) in zip(ws[ws.max_row], values, strict=True):
                if fmt:
                    cell.number_format = fmt
        if table.note:
            ws.append([neutralise_cell("注：" + table.note)])
        for i, col in enumerate(table.cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(80, col.width * 14))
        ws.freeze_panes = "A3"
    wb.properties.creator = "文创E点通"
    wb.properties.title = doc.title
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
