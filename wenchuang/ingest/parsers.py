"""Reading an uploaded file into header + rows: xlsx (openpyxl, read-only) or CSV in UTF-8, UTF-8 with
BOM or GB18030/GBK. Whole-file problems raise `FileProblem` with a Chinese message; cell problems
(formulas) are reported per cell so the row can be rejected with a reason."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from wenchuang.core.errors import DomainError
from wenchuang.ingest import limits
from wenchuang.ingest.schema import (
    Kind,
    header_index,
    header_rank,
    normalise_header,
    not_imported,
    synonyms,
)
from wenchuang.ingest.values import UNIT_ALIASES, clean_text, unit_from_header

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and legacy .xls are OLE containers
NOTES_SHEETS = {"说明", "填写说明", "notes", "readme"}


class FileProblem(DomainError, ValueError):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the user sees it, raw cell values)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column index) → formula
    sheet: str = ""
    encoding: str = ""


@dataclass
class Mapping:
    """Which file column feeds which schema column, and the money unit of each money column."""

    positions: dict[str, int]
    units: dict[str, str]
    ignored: list[str]
    # one Chinese line per ignored column: why, and for an unknown name the closest known column
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # schema key → the file's own header


def suggest(header: str, kind: Kind) -> str | None:
    """The Chinese name of the known column closest to an unknown header, or None."""
    import difflib

    names: dict[str, str] = {}
    for col in kind.columns:
        for name in (col.zh, *col.aliases):
            names.setdefault(normalise_header(name), col.zh)
    for key, name, _note in synonyms(kind):
        if key != "-":
            names.setdefault(normalise_header(name), kind.column(key).zh)
    text = normalise_header(header)
    best, score = None, 0.0
    for name, zh in names.items():
        ratio = difflib.SequenceMatcher(None, text, name).ratio()
        if name in text or text in name:
            ratio = max(ratio, 0.6)
        if ratio > score:
            best, score = zh, ratio
    return best if score >= 0.55 else None


def ignored_note(header: str, kind: Kind, *, taken_by: str | None = None) -> str:
    if taken_by is not None:
        return f"列“{header}”与列“{taken_by}”对应同一项，只导入了“{taken_by}”"
    reason = not_imported(kind).get(normalise_header(header))
    if reason is not None:
        return f"列“{header}”{reason}"
    near = suggest(header, kind)
    if near:
        return f"未识别的列“{header}”，是否为“{near}”？（该列未导入）"
    return f"未识别的列“{header}”，未导入"


def read_table(data: bytes, filename: str, kind: Kind) -> Table:
    if not data or not data.strip():
        raise FileProblem("文件为空")
    if data.startswith(OLE_MAGIC):
        raise FileProblem("文件受密码保护或为旧版.xls格式，请取消密码并另存为.xlsx或CSV后再导入")
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        limits.check_xlsx_archive(data, FileProblem)  # zip bomb, XXE: refused before anything expands
        return _read_xlsx(data, kind)
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileProblem("无法识别文件编码：CSV请使用UTF-8或GB18030（GBK）编码") from exc


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:  # anywhere, not only in the head (one C-level scan)
        raise FileProblem("文件不是CSV文本，也不是有效的xlsx工作簿")
    reader = limits.guard_rows(enumerate(csv.reader(io.StringIO(text, newline="")), start=1), FileProblem)
    # a row of empty or blank cells is no row (what Excel leaves below a table); joined, the test is
    # one C-level call instead of a generator per row
    found: list[tuple[int, list[Any]]] = [
        (lineno, record) for lineno, record in reader if "".join(record).strip()
    ]
    headers: list[str] | None = found[0][1] if found else None
    rows = found[1:]
    if headers is None:
        raise FileProblem("文件为空")
    if not rows:
        raise FileProblem("文件只有表头，没有数据行")
    return Table(headers, rows, encoding=encoding)


def _read_xlsx(data: bytes, kind: Kind) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileProblem("xlsx文件已损坏或不是有效的Excel工作簿") from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed parts
        raise FileProblem("xlsx文件已损坏或不是有效的Excel工作簿") from exc
    try:
        names = wb.sheetnames
        data_sheets = [n for n in names if n.strip().lower() not in NOTES_SHEETS]
        chosen = kind.zh if kind.zh in names else (data_sheets[0] if data_sheets else None)
        if chosen is None:
            raise FileProblem(f"工作簿中没有数据工作表（现有：{'、'.join(names)}）")
        ws = wb[chosen]
        headers: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        formulas: dict[tuple[int, int], str] = {}
        for rowno, cells in enumerate(ws.iter_rows(), start=1):
            limits.check_row(rowno, [c.value for c in cells], FileProblem)  # upload limits, streaming
            if len(rows) >= limits.max_rows():
                raise FileProblem(f"文件超过{limits.max_rows()}个数据行的上限，请拆分后分批导入")
            values = []
            for ci, cell in enumerate(cells):
                v = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("=")):
                    formulas[(rowno, ci)] = str(v)
                values.append(v)
            if headers is None:
                if any(v not in (None, "") for v in values):
                    headers = [clean_text(v) for v in values]
                continue
            if any(v not in (None, "") for v in values):
                rows.append((rowno, values))
    finally:
        wb.close()
    if headers is None:
        raise FileProblem(f"工作表“{chosen}”为空")
    if not rows:
        raise FileProblem(f"工作表“{chosen}”只有表头，没有数据行")
    table = Table(headers, rows, formulas, sheet=chosen, encoding="xlsx")
    table.sheet_names = names  # type: ignore[attr-defined]
    return table


def map_columns(table: Table, kind: Kind, *, default_unit: str = "万元") -> Mapping:
    index = header_index(kind)
    rank = header_rank(kind)
    positions: dict[str, int] = {}
    units: dict[str, str] = {}
    labels: dict[str, str] = {}
    found: dict[int, str] = {}  # column position → key
    # when two columns mean the same (所属行业 and 国标行业), the one listed first in the synonym table wins
    for i, raw in enumerate(table.headers):
        name, _unit = unit_from_header(str(raw or ""))
        key = index.get(normalise_header(name)) or index.get(normalise_header(str(raw or "")))
        if key is None:
            continue
        held = positions.get(key)
        if held is None or rank(str(raw or "")) < rank(str(table.headers[held] or "")):
            if held is not None:
                found.pop(held)
            positions[key] = i
            found[i] = key
    ignored: list[str] = []
    notes: list[str] = []
    for i, raw in enumerate(table.headers):
        if i in found:
            key = found[i]
            labels[key] = clean_text(raw)
            _name, unit = unit_from_header(str(raw or ""))
            if kind.column(key).type in ("money", "capital"):
                units[key] = unit or ("" if kind.column(key).type == "capital" else default_unit)
        elif str(raw or "").strip():
            name, _unit = unit_from_header(str(raw or ""))
            key = index.get(normalise_header(name)) or index.get(normalise_header(str(raw or "")))
            taken = clean_text(table.headers[positions[key]]) if key else None
            ignored.append(str(raw))
            notes.append(ignored_note(str(raw).strip(), kind, taken_by=taken))
    missing = [c.zh for c in kind.columns if c.required and c.key not in positions]
    if missing:
        where = f"工作表“{table.sheet}”" if table.sheet else "文件"
        sheets = getattr(table, "sheet_names", None)
        hint = f"（工作簿中的工作表：{'、'.join(sheets)}）" if sheets and len(sheets) > 1 else ""
        unknown = "；".join(notes)
        also = f"。{unknown}" if unknown else ""
        raise FileProblem(f"{where}缺少必填列：{'、'.join(missing)}{hint}{also}")
    return Mapping(positions, units, ignored, notes, labels)


def normalise_unit(text: str) -> str:
    unit = UNIT_ALIASES.get(clean_text(text).lower())
    if unit is None:
        raise FileProblem(f"金额单位“{text}”无法识别：可用元、万元、亿元")
    return unit
