"""Upload limits, checked before and while a file is read — never after the work is done: unpacked
size and compression ratio of an xlsx (zip bomb), DTDs/entities in its XML (XXE, billion laughs),
rows, columns and cell length while streaming. Each breach is a `FileProblem` with a Chinese message.

Settings (all `WENCHUANG_IMPORT_…`): MAX_UNPACKED_BYTES (default 300 MB), MAX_RATIO (unpacked/packed
per member, default 200), MAX_ROWS (default 250,000), MAX_COLUMNS (default 300), MAX_CELL_CHARS
(default 32,767 — Excel's own limit), MAX_ERROR_ROWS (rows in a rejected-rows workbook, default 20,000).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings

EXCEL_CELL_CHARS = 32767


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, f"WENCHUANG_IMPORT_{name}", default))


def max_rows() -> int:
    return _setting("MAX_ROWS", 250_000)


def max_columns() -> int:
    return _setting("MAX_COLUMNS", 300)


def max_cell_chars() -> int:
    return _setting("MAX_CELL_CHARS", EXCEL_CELL_CHARS)


def max_error_rows() -> int:
    return _setting("MAX_ERROR_ROWS", 20_000)


def check_xlsx_archive(data: bytes, problem: type[Exception]) -> None:
    """Refuse a zip bomb or XML with a DTD before openpyxl expands anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise problem("xlsx文件已损坏或不是有效的Excel工作簿") from exc
    limit = _setting("MAX_UNPACKED_BYTES", 300 * 1024 * 1024)
    ratio = _setting("MAX_RATIO", 200)
    unpacked = sum(m.file_size for m in members)
    if unpacked > limit:
        raise problem(
            f"xlsx文件解压后{unpacked / 1024 / 1024:.0f} MB，"
            f"超过上限{limit / 1024 / 1024:.0f} MB，请拆分后分批导入"
        )
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > ratio * max(m.compress_size, 1):
            raise problem("xlsx文件压缩比异常（疑似“压缩炸弹”），已拒绝导入；请用Excel重新保存后再试")
        if m.filename.endswith((".xml", ".rels", ".vml")):
            # The declarations precede the root element; 4 KB of the head is plenty and bounded.
            with archive.open(m) as stream:
                head = stream.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise problem(
                    "xlsx文件包含不允许的XML声明（DOCTYPE/ENTITY），已拒绝导入；请用Excel重新保存后再试"
                )


def _too_wide(n: int, rowno: int, problem: type[Exception]) -> None:
    raise problem(f"第{rowno}行有{n}列，超过上限{max_columns()}列；请检查文件是否为本系统模板格式")


def check_row(rowno: int, values: list[Any], problem: type[Exception]) -> None:
    """Columns and cell length of one row (rowno as the user sees it)."""
    if len(values) > max_columns():
        # Trailing empty xlsx cells (Excel formatting) do not count; a CSV's empty fields do.
        n = len(values)
        while n and values[n - 1] is None:
            n -= 1
        if n > max_columns():
            _too_wide(n, rowno, problem)
    cap = max_cell_chars()
    for ci, v in enumerate(values, start=1):
        if isinstance(v, str) and len(v) > cap:
            raise problem(f"第{rowno}行第{ci}列的内容有{len(v)}个字符，超过上限{cap}个字符")


def guard_rows(
    rows: Iterable[tuple[int, list[Any]]], problem: type[Exception]
) -> Iterator[tuple[int, list[Any]]]:
    """Stream (row number, values) with the limits applied as they come; CSV reader errors (NUL bytes,
    a field over the csv module's own limit) become a Chinese message."""
    cap_rows = max_rows() + 1  # + the header row
    seen = 0
    try:
        for rowno, values in rows:
            check_row(rowno, values, problem)
            if any(v not in (None, "") for v in values):
                seen += 1
                if seen > cap_rows:
                    raise problem(f"文件超过{max_rows()}个数据行的上限，请拆分后分批导入")
            yield rowno, values
    except csv.Error as exc:
        text = str(exc)
        if "NUL" in text:
            raise problem(
                "文件包含空字符（NUL），不是有效的CSV文本；请另存为UTF-8编码的CSV或xlsx后再导入"
            ) from exc
        if "field larger" in text:  # the csv module's own cap (131,072) is above ours
            raise problem(f"文件中有单元格内容超过上限{max_cell_chars()}个字符") from exc
        raise problem(f"CSV格式错误：{text}") from exc
